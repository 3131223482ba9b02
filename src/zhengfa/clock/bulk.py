"""Vectorised due dates for millions of clocks at once, equal to the scalar :class:`Clock`.

Each clock is one row: a start date, a kind (calendar days, civil months, criminal months,
working days), the period amount, the days not counted (pauses and deductions: calendar
days, or working days for a working-day clock, like :meth:`Clock.deduct`), the cumulative
extension in the same unit, and a custody flag (no holiday roll, CrimPL art. 105(4)).

Everything is table lookups into a precomputed day index (the working-day index of
:class:`WorkCalendar` plus month tables), so there is no Python loop over rows.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt

from zhengfa.clock.calendar import WorkCalendar, default_calendar
from zhengfa.clock.errors import CalendarYearMissing, ClockError

KIND_DAYS = 0
KIND_MONTHS_CIVIL = 1
KIND_MONTHS_CRIMINAL = 2
KIND_WORKDAYS = 3
EPOCH_ORDINAL = date(1970, 1, 1).toordinal()  # datetime64[D] counts days from here

I32 = npt.NDArray[np.int32]
ArrayLike = npt.NDArray[np.generic]


@dataclass(frozen=True)
class BulkTables:
    """int32 lookup tables over day offsets of one calendar."""

    base: int
    first_year: int
    month_of: I32  # month index (months since Jan of first_year) of each offset
    day_of_month: I32
    month_start: I32  # offset of the 1st of each month index
    month_length: I32
    next_work: I32
    work_rank: I32
    work_offsets: I32
    year_of: I32


@functools.lru_cache(maxsize=4)
def tables_for(calendar: WorkCalendar) -> BulkTables:
    index = calendar.index
    size = len(index.rest)
    days = np.arange(size, dtype=np.int64) + index.base - EPOCH_ORDINAL
    as_dates = days.astype("datetime64[D]")
    months = as_dates.astype("datetime64[M]")
    first_month = months[0]
    month_index = (months - first_month).astype(np.int32)
    month_count = int(month_index[-1]) + 2 + 12 * 200  # room for month periods up to 200 years
    month_starts = np.arange(month_count) + first_month
    starts_days = month_starts.astype("datetime64[D]").astype(np.int64)
    ends_days = (month_starts + 1).astype("datetime64[D]").astype(np.int64)
    return BulkTables(
        base=index.base,
        first_year=calendar.first_year,
        month_of=month_index,
        day_of_month=((as_dates - months.astype("datetime64[D]")).astype(np.int32) + 1),
        month_start=(starts_days + EPOCH_ORDINAL - index.base).astype(np.int32),
        month_length=(ends_days - starts_days).astype(np.int32),
        next_work=index.next_work.astype(np.int32),
        work_rank=index.work_rank.astype(np.int32),
        work_offsets=index.work_offsets.astype(np.int32),
        year_of=as_dates.astype("datetime64[Y]").astype(np.int32) + 1970,
    )


def due_dates(
    starts: ArrayLike,
    kinds: ArrayLike,
    amounts: ArrayLike,
    *,
    pause_days: ArrayLike | None = None,
    extension: ArrayLike | None = None,
    custody: ArrayLike | None = None,
    calendar: WorkCalendar | None = None,
) -> ArrayLike:
    """Due dates for arrays of clocks; ``starts`` as ``datetime64[D]`` (answer in kind) or
    integer ``date.toordinal()`` values (answer as ordinals)."""
    cal = calendar or default_calendar()
    tables = tables_for(cal)
    offsets = _offsets(starts, tables)
    _check_range(offsets, tables, cal)
    kind_codes = np.asarray(kinds, dtype=np.int8)
    total = np.asarray(amounts, dtype=np.int32)
    if extension is not None:
        total = total + np.asarray(extension, dtype=np.int32)
    extra = np.zeros(1, np.int32) if pause_days is None else np.asarray(pause_days, np.int32)
    due = _calendar_due(offsets, kind_codes, total, extra, custody, tables)
    working = kind_codes == KIND_WORKDAYS
    if working.any():
        ranks = tables.work_rank[offsets] + total + extra - 1
        due = np.where(working, tables.work_offsets.take(ranks, mode="clip"), due)
    _check_range(due, tables, cal)
    return _as_output(due, starts, tables)


def _calendar_due(
    offsets: I32,
    kinds: npt.NDArray[np.int8],
    total: I32,
    extra: I32,
    custody: ArrayLike | None,
    tables: BulkTables,
) -> I32:
    """Months by the civil or criminal rule, then days, then the days not counted, then
    the roll; rows of other kinds pass through with zero months."""
    monthly = (kinds == KIND_MONTHS_CIVIL) | (kinds == KIND_MONTHS_CRIMINAL)
    start_month = tables.month_of[offsets]
    end_month = start_month + np.where(monthly, total, 0)
    day = tables.day_of_month[offsets]
    end_length = tables.month_length[end_month]
    criminal_month_end = (kinds == KIND_MONTHS_CRIMINAL) & (day == tables.month_length[start_month])
    end_day = np.where(criminal_month_end, end_length, np.minimum(day, end_length))
    day_total = np.where(kinds == KIND_DAYS, total, 0) + extra
    counted = tables.month_start[end_month] + end_day - 1 + day_total
    counted = np.minimum(counted, len(tables.next_work) - 1)
    rolled = tables.next_work[counted]
    if custody is None:
        return rolled
    return np.where(np.asarray(custody, dtype=bool), counted, rolled).astype(np.int32)


def _offsets(starts: ArrayLike, tables: BulkTables) -> I32:
    values = np.asarray(starts)
    if np.issubdtype(values.dtype, np.datetime64):
        days = values.astype("datetime64[D]").astype(np.int64)
        return (days + (EPOCH_ORDINAL - tables.base)).astype(np.int32)
    if not np.issubdtype(values.dtype, np.integer):
        raise ClockError(
            f"bulk starts of dtype {values.dtype}; accepted: datetime64[D] or integer "
            "date.toordinal() values"
        )
    return (values - tables.base).astype(np.int32)


def _as_output(due: I32, starts: ArrayLike, tables: BulkTables) -> ArrayLike:
    if np.issubdtype(np.asarray(starts).dtype, np.datetime64):
        return (due.astype(np.int64) + (tables.base - EPOCH_ORDINAL)).astype("datetime64[D]")
    return due.astype(np.int64) + tables.base


def _check_range(offsets: I32, tables: BulkTables, cal: WorkCalendar) -> None:
    if offsets.size == 0:
        return
    low, high = int(offsets.min()), int(offsets.max())
    if low < 0:
        cal.check_year(date.fromordinal(max(1, low + tables.base)).year)
    if high >= len(tables.year_of):
        cal.check_year(cal.last_year + 1)
    for year in range(int(tables.year_of[low]), int(tables.year_of[high]) + 1):
        if year > cal.last_year:
            raise CalendarYearMissing(year, "is past the calendar's horizon")
        if cal.strict and cal.is_provisional(year) and _touches(offsets, tables, year):
            cal.check_year(year)


def _touches(offsets: I32, tables: BulkTables, year: int) -> bool:
    first = date(year, 1, 1).toordinal() - tables.base
    last = date(year, 12, 31).toordinal() - tables.base
    return bool(((offsets >= first) & (offsets <= last)).any())


def provisional_mask(due: ArrayLike, calendar: WorkCalendar | None = None) -> ArrayLike:
    """True where a due date lies in a provisional year (the scalar clock warns there)."""
    cal = calendar or default_calendar()
    tables = tables_for(cal)
    years = tables.year_of[_offsets(due, tables)]
    provisional = np.array(sorted(cal.provisional_years), dtype=np.int32)
    return np.isin(years, provisional)
