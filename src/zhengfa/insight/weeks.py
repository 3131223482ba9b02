"""ISO weeks (``2026-W14``) as the time axis of the trend detector. Pure Python, no Django.

A week is identified by the date of its Monday; the detector works on a contiguous grid of
weeks, so a week also has an index (its distance in weeks from the first week of the grid).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

WEEK_PATTERN = re.compile(r"^(\d{4})-W(\d{2})$")
WEEK_FORM = "an ISO week such as 2026-W14 (year, '-W', two-digit week 01-53)"


class WeekFormatError(ValueError):
    """A week label that is not an existing ISO week."""


def parse_week(text: str) -> date:
    """The Monday of the ISO week ``YYYY-Www``; raises :class:`WeekFormatError` otherwise."""
    match = WEEK_PATTERN.match(text.strip())
    if match is None:
        raise WeekFormatError(f"{text!r} is not {WEEK_FORM}")
    year, week = int(match.group(1)), int(match.group(2))
    try:
        return date.fromisocalendar(year, week, 1)
    except ValueError:
        raise WeekFormatError(
            f"{text!r} does not exist: ISO year {year} has no week {week}"
        ) from None


def format_week(monday: date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def week_grid(first: date, last: date) -> list[date]:
    """Every Monday from ``first`` to ``last`` inclusive."""
    count = (last - first).days // 7 + 1
    return [first + timedelta(weeks=i) for i in range(count)]


def weeks_back(monday: date, years: int) -> int:
    """How many weeks before ``monday`` lies the Monday closest to the same day ``years`` ago.

    The calendar, not a fixed 52 per year, decides (156 or 157 weeks for three years), so
    reference weeks do not drift a day or two per year (as surveillance does for dated data).
    """
    try:
        same_day = monday.replace(year=monday.year - years)
    except ValueError:  # 29 February
        same_day = monday.replace(year=monday.year - years, day=28)
    return round((monday - same_day).days / 7)
