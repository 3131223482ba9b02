"""``zhengfa insight trends --input FILE.csv [--week 2026-W14] [--alpha A] [--json]``.

Runs the trend detector (:mod:`zhengfa.insight.trends`) on a CSV of ``series,week,count``
rows, so that it can be checked on any history. Bad input exits with status 2 and a message
naming the row and the accepted form; nothing is stored.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from zhengfa.insight.alerts import commands as alert_commands
from zhengfa.insight.counts import (
    CountsInputError,
    WeeklyCounts,
    WeekOutsideData,
    read_counts_csv,
)
from zhengfa.insight.refresh import REBUILD_STEPS, pending, rebuild, refresh
from zhengfa.insight.responsibility import commands as responsibility_commands
from zhengfa.insight.trends import (
    Control,
    Detection,
    DetectorSettings,
    InsufficientHistory,
    detect,
)
from zhengfa.insight.weeks import WeekFormatError, parse_week


def _probability(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: give a number between 0 and 1, e.g. 0.05")
    return value


class Command(BaseCommand):
    help = "Insight (研判): trend detection over weekly count series."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True)
        trends = commands.add_parser(
            "trends", help="alerts for counts above their own seasonal history"
        )
        trends.add_argument("--input", required=True, help="CSV with series,week,count rows")
        trends.add_argument("--week", help="ISO week to test, e.g. 2026-W14 (default: last)")
        trends.add_argument(
            "--alpha",
            type=_probability,
            default=DetectorSettings.alpha,
            help="FDR level (fdr) or per-series false-alarm probability (per-series)",
        )
        trends.add_argument(
            "--control",
            choices=[c.value for c in Control],
            default=Control.FDR.value,
            help="false-alarm control across series (default fdr: Benjamini-Hochberg)",
        )
        trends.add_argument("--json", action="store_true", help="print the alerts as JSON")
        refresh = commands.add_parser(
            "refresh", help="bring the dashboards' count tables up to date with the matters"
        )
        refresh.add_argument(
            "--full", action="store_true", help="rebuild every count table from scratch"
        )
        refresh.add_argument("--batch", type=int, default=500, help="changes per transaction")
        alert_commands.add_parsers(commands)
        responsibility_commands.add_parsers(commands)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] in responsibility_commands.SUBCOMMANDS:
            responsibility_commands.handle(self, options)
            return
        if options["subcommand"] in alert_commands.SUBCOMMANDS:
            alert_commands.handle(self, options)
            return
        if options["subcommand"] == "refresh":
            _refresh(self, full=options["full"], batch=options["batch"])
            return
        data = _read(options["input"])
        week = _week(options["week"])
        settings = DetectorSettings(alpha=options["alpha"], control=Control(options["control"]))
        with _progress(len(data.series)) as advance:
            try:
                detection = detect(data, week, settings, progress=advance)
            except (InsufficientHistory, WeekOutsideData) as error:
                raise CommandError(str(error), returncode=2) from None
        if options["json"]:
            alerts = [alert.as_dict() for alert in detection.alerts]
            self.stdout.write(json.dumps(alerts, ensure_ascii=False, indent=2))
        else:
            _print_table(detection)


def _refresh(command: BaseCommand, *, full: bool, batch: int) -> None:
    if batch < 1:
        raise CommandError("--batch: give a positive number of changes, e.g. 500", returncode=2)
    if full:
        with _progress(REBUILD_STEPS, "统计底表重建 rebuild") as advance:
            result = rebuild(progress=advance)
        command.stdout.write(f"rebuilt: {result.matters} matters, {result.cells} daily cells")
        return
    with _progress(pending(), "统计底表更新 refresh") as advance:
        result = refresh(limit=batch, progress=advance)
    command.stdout.write(
        f"refreshed: {result.changes} changes, {result.matters} matters, {result.cells} cells"
    )


def _read(path: str) -> WeeklyCounts:
    try:
        with Path(path).open(encoding="utf-8-sig", newline="") as stream:
            return read_counts_csv(stream)
    except OSError as error:
        raise CommandError(f"--input {path}: {error.strerror}", returncode=2) from None
    except UnicodeDecodeError:
        raise CommandError(f"--input {path}: not UTF-8 text", returncode=2) from None
    except CountsInputError as error:
        raise CommandError(f"--input {path}: {error}", returncode=2) from None


def _week(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return parse_week(text)
    except WeekFormatError as error:
        raise CommandError(f"--week {error}", returncode=2) from None


@contextmanager
def _progress(total: int, title: str = "趋势研判 trends") -> Iterator[Any]:
    console = Console(stderr=True)
    columns = (TextColumn(title), BarColumn(), MofNCompleteColumn())
    with Progress(
        *columns, TimeElapsedColumn(), console=console, disable=not console.is_terminal
    ) as bar:
        task = bar.add_task("series", total=total)
        yield lambda done: bar.advance(task, done)


def _print_table(detection: Detection) -> None:
    console = Console()
    table = Table(title=f"{detection.week}: {len(detection.alerts)} alert(s)")
    for column in ("series", "count", "expected", "upper", "p", "reason"):
        table.add_column(column)
    for alert in detection.alerts:
        table.add_row(
            alert.series,
            str(alert.count),
            f"{alert.expected:.2f}",
            str(alert.upper),
            f"{alert.p_value:.2g}",
            alert.reason_zh(),
        )
    console.print(table)
    console.print(
        f"{detection.tested} series tested, control {detection.settings.control} at "
        f"alpha {detection.settings.alpha}; per-series level used {detection.level:.3g}"
    )
