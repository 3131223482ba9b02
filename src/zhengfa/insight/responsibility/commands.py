"""``zhengfa insight score --year 2026 [--unit CODE] [--as-of DATE] [--xlsx FILE] [--pdf FILE]``.

Scores every responsible unit with targets for the year (the annual offline computation),
stores the scores and ranks, prints the table, and writes one unit's review report (with
``--unit``) or the table of all units as XLSX, and one unit's report as PDF. Thin: the
service does the work; rich progress per unit; bad input exits with status 2 before
anything is written. Safe to re-run: a year's scores are replaced as a whole.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table as RichTable

from zhengfa.flow.common import legal_day
from zhengfa.insight.responsibility import selectors
from zhengfa.insight.responsibility.models import UnitScore
from zhengfa.insight.responsibility.pdf import review_report_pdf
from zhengfa.insight.responsibility.services import FIRST_YEAR, LAST_YEAR, scores_compute
from zhengfa.org.models import Unit

SUBCOMMANDS = ("score",)


def add_parsers(commands: Any) -> None:
    score = commands.add_parser(
        "score", help="score the responsibility agreements (目标责任书) of a year"
    )
    score.add_argument("--year", required=True, help=f"the year, {FIRST_YEAR}–{LAST_YEAR}")
    score.add_argument("--unit", help="a responsible unit's code, for its report")
    score.add_argument("--as-of", help="data up to this day, YYYY-MM-DD (default: today)")
    score.add_argument("--xlsx", help="write the report (--unit) or the scores table as XLSX")
    score.add_argument("--pdf", help="write the unit's review report as PDF (needs --unit)")


def handle(command: BaseCommand, options: dict[str, Any]) -> None:
    year = _year(options["year"])
    as_of = _as_of(options.get("as_of"), year)
    unit = _unit(options.get("unit"))
    if options.get("pdf") and unit is None:
        raise CommandError("--pdf needs --unit CODE: the PDF is one unit's report", returncode=2)
    outputs = [_writable("--xlsx", options.get("xlsx")), _writable("--pdf", options.get("pdf"))]
    scored = _score(year, as_of)
    if not scored:
        raise CommandError(f"--year {year}: no unit has targets for that year", returncode=2)
    _print(scored)
    _write(year, unit, *outputs)
    command.stdout.write(f"{len(scored)} unit(s) scored for {year}, data as of {as_of}")


def _year(text: str) -> int:
    if not text.isdigit() or not FIRST_YEAR <= int(text) <= LAST_YEAR:
        raise CommandError(
            f"--year {text!r}: accepted: a year {FIRST_YEAR}–{LAST_YEAR}", returncode=2
        )
    return int(text)


def _as_of(text: str | None, year: int) -> date:
    if text is None:
        return legal_day()
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--as-of {text!r}: accepted: a date YYYY-MM-DD", returncode=2) from None
    if day.year < year:
        raise CommandError(f"--as-of {day}: before the year {year} began", returncode=2)
    return day


def _unit(code: str | None) -> Unit | None:
    if code is None:
        return None
    unit = Unit.objects.filter(code=code, is_responsible_unit=True).first()
    if unit is None:
        raise CommandError(f"--unit {code!r}: not a responsible unit's code", returncode=2)
    return unit


def _writable(flag: str, path: str | None) -> Path | None:
    if path is None:
        return None
    target = Path(path)
    if not target.parent.is_dir():
        raise CommandError(
            f"{flag} {path}: the folder {target.parent} does not exist", returncode=2
        )
    return target


def _score(year: int, as_of: date) -> list[UnitScore]:
    total = Unit.objects.filter(responsibility_targets__year=year).distinct().count()
    console = Console(stderr=True)
    columns = (TextColumn("目标考评 scoring"), BarColumn(), MofNCompleteColumn())
    with Progress(
        *columns, TimeElapsedColumn(), console=console, disable=not console.is_terminal
    ) as bar:
        task = bar.add_task("units", total=total)
        return scores_compute(year=year, as_of=as_of, progress=lambda _unit: bar.advance(task))


def _print(scored: list[UnitScore]) -> None:
    table = RichTable(title="目标责任书考评 Responsibility scores")
    for column in ("rank", "unit", "total"):
        table.add_column(column)
    for row in sorted(scored, key=lambda s: (s.rank or 10**6, s.unit.code)):
        table.add_row(str(row.rank or "—"), f"{row.unit.name} {row.unit.code}", str(row.total))
    Console().print(table)


def _write(year: int, unit: Unit | None, xlsx: Path | None, pdf: Path | None) -> None:
    if unit is not None:
        review = selectors.unit_review_report(unit, year)
        if xlsx is not None:
            xlsx.write_bytes(selectors.report_table(review).to_xlsx())
        if pdf is not None:
            pdf.write_bytes(review_report_pdf(review))
    elif xlsx is not None:
        xlsx.write_bytes(selectors.scores_table(selectors.all_scores(year), year).to_xlsx())
