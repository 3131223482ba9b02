"""``zhengfa insight detect [--week 2026-W14]`` and ``zhengfa insight send-reports [--week …]
[--dry-run]``: the weekly steps of the worker, on demand. Thin: they call the services,
show rich progress, and exit with status 2 on bad input. Safe to re-run: a week already
tested is not tested again, and a report already sent is not sent again."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from zhengfa.flow.common import now
from zhengfa.insight.alerts import services
from zhengfa.insight.weeks import WeekFormatError, format_week, parse_week

SUBCOMMANDS = ("detect", "send-reports")


def add_parsers(commands: Any) -> None:
    detect = commands.add_parser("detect", help="test a closed week and store its trend alerts")
    detect.add_argument("--week", help="ISO week, e.g. 2026-W14 (default: the last closed week)")
    send = commands.add_parser("send-reports", help="e-mail the weekly report to subscribers")
    send.add_argument("--week", help="ISO week, e.g. 2026-W14 (default: the last closed week)")
    send.add_argument("--dry-run", action="store_true", help="list who would get it, send none")


def handle(command: BaseCommand, options: dict[str, Any]) -> None:
    week = _week(options.get("week"))
    if options["subcommand"] == "detect":
        _detect(command, week)
    else:
        _send(command, week, dry_run=options["dry_run"])


def _week(text: str | None) -> date:
    if text is None:
        return services.last_closed_week(now())
    try:
        monday = parse_week(text)
    except WeekFormatError as error:
        raise CommandError(f"--week {error}", returncode=2) from None
    if monday > services.last_closed_week(now()):
        raise CommandError(
            f"--week {text}: that week has not ended yet; accepted: a week up to "
            f"{format_week(services.last_closed_week(now()))}",
            returncode=2,
        )
    return monday


def _detect(command: BaseCommand, week: date) -> None:
    with _progress("趋势检验 detect") as (total, advance):
        run, created = services.detection_run(week=week, progress=advance, on_total=total)
    state = "tested" if created else "already tested on " + run.ran_at.isoformat()
    command.stdout.write(
        f"{format_week(week)}: {state}; {run.series_tested} series, "
        f"{run.alerts.count()} alert(s){'; ' + run.note if run.note else ''}"
    )


def _send(command: BaseCommand, week: date, *, dry_run: bool) -> None:
    due = services.selectors.subscriptions_due(week).count()
    with _progress("每周报告 reports") as (total, advance):
        total(due)
        result, subscriptions = services.weekly_reports_send(
            week=week, dry_run=dry_run, progress=lambda: advance(1)
        )
    if dry_run:
        for row in subscriptions:
            command.stdout.write(f"would send {format_week(week)} to {row.email} ({row.language})")
        return
    command.stdout.write(
        f"{format_week(week)}: {result.sent} sent, {result.skipped} already sent, "
        f"{result.failed} failed (retried on the next run)"
    )


@contextmanager
def _progress(label: str) -> Iterator[tuple[Callable[[int], None], Callable[[int], None]]]:
    console = Console(stderr=True)
    columns = (TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, disable=not console.is_terminal) as bar:
        task = bar.add_task(label, total=None)
        yield (
            lambda n: bar.update(task, total=n),
            lambda done: bar.advance(task, done),
        )
