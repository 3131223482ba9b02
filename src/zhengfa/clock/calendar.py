"""The PRC work calendar: which days are rest days (法定休假日, weekends included) and which
are working days, with the make-up working days (调休上班日) of each year's State Council
notice, and a provisional arrangement for years whose notice is not loaded.

The calendar is a dense day index from ``first_year`` to ``last_year``: a rest flag per day
and, derived from it, the next working day at or after each day, the running count of
working days and the sorted working-day offsets. Scalar questions index Python lists (fast
for one answer); :mod:`zhengfa.clock.bulk` indexes the same NumPy arrays.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import numpy.typing as npt

from zhengfa.clock import sources
from zhengfa.clock.errors import CalendarYearMissing
from zhengfa.clock.sources import YearArrangement

FIRST_YEAR = 2004  # the first year chinesecalendar covers
LAST_YEAR = 2060  # horizon of the provisional calendar
_TAIL_DAYS = 31  # index past 31 Dec of LAST_YEAR so a roll from year end stays inside
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


def calendar_dir() -> Path:
    """Where imported notices are stored: ``$ZHENGFA_CALENDAR_DIR``, else
    ``$ZHENGFA_VAR_DIR/calendar``, else ``./var/calendar``."""
    explicit = os.environ.get("ZHENGFA_CALENDAR_DIR")
    if explicit:
        return Path(explicit)
    return Path(os.environ.get("ZHENGFA_VAR_DIR", "var")) / "calendar"


@dataclass(frozen=True)
class DayIndex:
    """NumPy tables over day offsets ``ordinal - base``; shared by scalar and bulk code."""

    base: int  # date.toordinal() of offset 0
    rest: BoolArray  # rest day (weekend not worked, or a holiday)
    makeup: BoolArray  # weekend day that is a working day (调休上班日)
    next_work: IntArray  # offset of the first working day at or after each offset
    work_rank: IntArray  # number of working days at offsets <= each offset
    work_offsets: IntArray  # sorted offsets of the working days


class WorkCalendar:
    """Rest days and working days of the PRC national calendar.

    Years come, in order of precedence, from imported notices, the project's data files,
    the ``chinesecalendar`` package, and otherwise the provisional arrangement (marked; see
    :func:`zhengfa.clock.sources.provisional`). With ``strict=True`` a provisional year
    raises :class:`CalendarYearMissing` instead.
    """

    def __init__(
        self,
        arrangements: Mapping[int, YearArrangement],
        *,
        first_year: int = FIRST_YEAR,
        last_year: int = LAST_YEAR,
        strict: bool = False,
    ) -> None:
        self.first_year = first_year
        self.last_year = last_year
        self.strict = strict
        self.arrangements = {y: a for y, a in arrangements.items() if not a.provisional}
        self.published_years = frozenset(self.arrangements)
        self.index = _build_index(self.arrangements, first_year, last_year)
        self._rest = self.index.rest.tolist()
        self._makeup = self.index.makeup.tolist()
        self._next_work = self.index.next_work.tolist()
        self._work_rank = self.index.work_rank.tolist()
        self._work_offsets = self.index.work_offsets.tolist()

    @classmethod
    def load(
        cls,
        *,
        chinesecalendar_years: Iterable[int] | None = None,
        data_dir: Path | None = sources.DATA_YEARS_DIR,
        notice_dir: Path | None = None,
        strict: bool = False,
    ) -> WorkCalendar:
        """Build the calendar from every source. ``chinesecalendar_years`` pins which years
        the package is trusted for (default: all it covers); ``notice_dir`` defaults to
        :func:`calendar_dir`."""
        trusted = (
            sources.chinesecalendar_years()
            if chinesecalendar_years is None
            else chinesecalendar_years
        )
        found: dict[int, YearArrangement] = {y: sources.from_chinesecalendar(y) for y in trusted}
        for directory in (data_dir, notice_dir or calendar_dir()):
            if directory is not None:
                found.update({a.year: a for a in sources.load_json_years(directory)})
        return cls(found, strict=strict)

    def with_strict(self, strict: bool) -> WorkCalendar:
        """The same calendar (tables shared) with strict mode on or off."""
        twin = object.__new__(WorkCalendar)
        twin.__dict__.update(self.__dict__)
        twin.strict = strict
        return twin

    @property
    def provisional_years(self) -> list[int]:
        """Years answered provisionally: every year of the index with no notice loaded."""
        span = range(self.first_year, self.last_year + 1)
        return [y for y in span if y not in self.published_years]

    def is_provisional(self, year: int) -> bool:
        return year not in self.published_years

    def check_year(self, year: int) -> None:
        """Raise :class:`CalendarYearMissing` if this year cannot be answered (outside the
        index, a gap before the last published year, or provisional under strict mode)."""
        if not self.first_year <= year <= self.last_year:
            raise CalendarYearMissing(
                year,
                f"is outside the calendar ({self.first_year}–{self.last_year} accepted)",
            )
        if self.strict and self.is_provisional(year):
            raise CalendarYearMissing(
                year,
                "has no published holiday notice loaded (strict calendar: the provisional "
                "calendar from 全国年节及纪念日放假办法 is refused)",
            )

    def offset(self, day: date) -> int:
        self.check_year(day.year)
        return day.toordinal() - self.index.base

    def is_rest_day(self, day: date) -> bool:
        """A 法定休假日 in the sense of CPL art. 85(3): a weekend day that is not a make-up
        working day, or a day off the notice grants."""
        return bool(self._rest[self.offset(day)])

    def is_workday(self, day: date) -> bool:
        return not self.is_rest_day(day)

    def is_makeup_workday(self, day: date) -> bool:
        """A Saturday or Sunday the notice makes a working day (调休上班日)."""
        return bool(self._makeup[self.offset(day)])

    def next_workday(self, day: date) -> date:
        """The day itself if it is a working day, else the first working day after it."""
        return date.fromordinal(self._next_work[self.offset(day)] + self.index.base)

    def workdays_between(self, after: date, upto: date) -> int:
        """Working days in the half-open interval (after, upto]."""
        if upto <= after:
            return 0
        return self._work_rank[self.offset(upto)] - self._work_rank[self.offset(after)]

    def workday_by_rank(self, after: date, count: int) -> date:
        """The ``count``-th working day after ``after`` (count >= 1)."""
        position = self._work_rank[self.offset(after)] + count - 1
        if position >= len(self._work_offsets):
            raise CalendarYearMissing(self.last_year + 1, "is past the calendar's horizon")
        day = date.fromordinal(self._work_offsets[position] + self.index.base)
        self.check_year(day.year)
        return day

    def year_source(self, year: int) -> str:
        self.check_year(year)
        if year in self.arrangements:
            return self.arrangements[year].source
        return f"provisional: {sources.HOLIDAY_RULES_CITATION}"


def _build_index(
    arrangements: Mapping[int, YearArrangement], first_year: int, last_year: int
) -> DayIndex:
    base = date(first_year, 1, 1).toordinal()
    size = date(last_year, 12, 31).toordinal() - base + 1 + _TAIL_DAYS
    weekend = (np.arange(base, base + size) - 1) % 7 >= 5  # toordinal() 1 is a Monday
    rest = weekend.copy()
    for year in range(first_year, last_year + 1):
        if year not in arrangements:
            _apply(rest, sources.provisional(year), base)
    for year in sorted(arrangements):
        _apply(rest, arrangements[year], base)
    makeup = weekend & ~rest
    work_offsets = np.flatnonzero(~rest).astype(np.int64)
    positions = np.searchsorted(work_offsets, np.arange(size))
    next_work = work_offsets[np.minimum(positions, len(work_offsets) - 1)]
    return DayIndex(
        base=base,
        rest=rest,
        makeup=makeup,
        next_work=next_work,
        work_rank=np.cumsum(~rest).astype(np.int64),
        work_offsets=work_offsets,
    )


def _apply(rest: BoolArray, arrangement: YearArrangement, base: int) -> None:
    for day in arrangement.holidays:
        _set(rest, day.toordinal() - base, True)
    for day in arrangement.workdays:
        _set(rest, day.toordinal() - base, False)


def _set(rest: BoolArray, offset: int, value: bool) -> None:
    if 0 <= offset < len(rest):
        rest[offset] = value


@functools.cache
def default_calendar() -> WorkCalendar:
    """The calendar from every installed source, built once per process."""
    return WorkCalendar.load()
