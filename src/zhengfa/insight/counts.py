"""Weekly count series (category × area × ISO week) and their CSV form. Pure, no Django.

The CSV has a header with the columns ``series``, ``week`` and ``count`` (in any order;
other columns are ignored). A (series, week) that has no row counts as 0, on one common grid
of weeks from the earliest to the latest week in the file: aggregation tables usually omit
empty cells, and a week with no matters is a week with count 0.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TextIO

import numpy as np
import numpy.typing as npt

from zhengfa.insight.weeks import WeekFormatError, format_week, parse_week, week_grid

REQUIRED_COLUMNS = ("series", "week", "count")
WHOLE_NUMBER = re.compile(r"[0-9]+")


class CountsInputError(ValueError):
    """Input that is not a set of weekly counts; the message names the row and the form."""


class WeekOutsideData(ValueError):
    """A week asked for that is not on the data's grid of weeks."""


@dataclass(frozen=True)
class WeeklyCounts:
    """Counts of many series on one contiguous grid of ISO weeks (rows: series, cols: weeks)."""

    series: tuple[str, ...]
    weeks: tuple[date, ...]
    counts: npt.NDArray[np.int64]

    def __post_init__(self) -> None:
        if self.counts.shape != (len(self.series), len(self.weeks)):
            raise ValueError("counts must have one row per series and one column per week")
        if self.counts.size and int(self.counts.min()) < 0:
            raise ValueError("counts must be non-negative")

    def week_index(self, monday: date) -> int:
        first = self.weeks[0]
        index = (monday - first).days // 7
        if not 0 <= index < len(self.weeks) or self.weeks[index] != monday:
            span = f"{format_week(first)}…{format_week(self.weeks[-1])}"
            raise WeekOutsideData(f"week {format_week(monday)} is outside the data ({span})")
        return index

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[str, date, int]]) -> WeeklyCounts:
        """Build from (series, Monday of the week, count); absent cells are 0."""
        cells = {(name, monday): count for name, monday, count in rows}
        if not cells:
            raise ValueError("no counts given")
        series = tuple(sorted({name for name, _ in cells}))
        weeks = tuple(week_grid(min(m for _, m in cells), max(m for _, m in cells)))
        row_of = {name: i for i, name in enumerate(series)}
        first = weeks[0]
        counts = np.zeros((len(series), len(weeks)), dtype=np.int64)
        for (name, monday), count in cells.items():
            counts[row_of[name], (monday - first).days // 7] = count
        return cls(series=series, weeks=weeks, counts=counts)


def read_counts_csv(stream: TextIO) -> WeeklyCounts:
    """Parse ``series,week,count`` rows; raises :class:`CountsInputError` naming the line."""
    reader = csv.DictReader(stream)
    header = [name.strip() for name in reader.fieldnames or []]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise CountsInputError(
            f"line 1: missing column(s) {', '.join(missing)}; the header must name the columns "
            f"series,week,count (found: {','.join(header) or 'nothing'})"
        )
    reader.fieldnames = header
    seen: dict[tuple[str, date], int] = {}
    rows: list[tuple[str, date, int]] = []
    for record in reader:
        line = reader.line_num
        row = _parse_row(record, line)
        key = (row[0], row[1])
        if key in seen:
            raise CountsInputError(
                f"line {line}: series {row[0]!r} week {format_week(row[1])} already given on "
                f"line {seen[key]}; each series+week may appear once"
            )
        seen[key] = line
        rows.append(row)
    if not rows:
        raise CountsInputError("no data rows: expected lines of series,week,count after the header")
    return WeeklyCounts.from_rows(rows)


def _parse_row(record: dict[str, str | None], line: int) -> tuple[str, date, int]:
    series = (record.get("series") or "").strip()
    if not series:
        raise CountsInputError(f"line {line}: series is empty; give a non-empty series name")
    try:
        monday = parse_week(record.get("week") or "")
    except WeekFormatError as error:
        raise CountsInputError(f"line {line}: week {error}") from None
    return series, monday, _parse_count(record.get("count"), line)


def _parse_count(text: str | None, line: int) -> int:
    raw = (text or "").strip()
    if WHOLE_NUMBER.fullmatch(raw) is None:
        raise CountsInputError(
            f"line {line}: count {raw!r} is not accepted; give a whole number 0 or more"
        )
    return int(raw)
