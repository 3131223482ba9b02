"""Benchmark of the legal clock against its floor and its peers, measured as ratios in one
run (the machine is shared and noisy).

- bulk: :func:`zhengfa.clock.bulk.due_dates` on N mixed clocks (days, civil and criminal
  months, working days; a tenth with pauses);
- floor: on the same N start dates, one ``np.searchsorted`` into the working-day ordinals
  of 2020–2027 and one ``np.take``;
- scalar: :func:`zhengfa.clock.periods.due_date` on a sample (and, for reference, the
  full ``Clock.for_periods(...).due_on`` value object as ``clock_value_per_s``);
- naive: a per-day loop over ``chinese_calendar.is_workday`` (sample, 2020–2026 only: the
  package stops there);
- holidays: the same loop over python-holidays' ``CN`` calendar (sample).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, timedelta

import numpy as np

from zhengfa.clock.bulk import KIND_DAYS, KIND_MONTHS_CIVIL, KIND_MONTHS_CRIMINAL, due_dates
from zhengfa.clock.calendar import default_calendar
from zhengfa.clock.clock import Clock
from zhengfa.clock.periods import MonthRule, Period, Unit, due_date

FIRST = date(2020, 1, 1)
SPAN_DAYS = (date(2026, 6, 30) - FIRST).days  # peers know no later year


def run(n: int, sample: int, seed: int) -> dict[str, object]:
    calendar = default_calendar()
    rng = np.random.default_rng(seed)
    starts, kinds, amounts, pauses = _inputs(rng, n)
    due_dates(starts[:1000], kinds[:1000], amounts[:1000], pause_days=pauses[:1000])  # warm
    bulk_s = _best(lambda: due_dates(starts, kinds, amounts, pause_days=pauses), 3)
    floor_s = _best(_floor(starts, calendar.index.work_offsets + calendar.index.base), 3)
    rows = list(zip(starts[:sample].tolist(), kinds[:sample], amounts[:sample], strict=True))
    scalar_s = _best(lambda: _scalar(rows, pauses[:sample]), 3)
    clock_s = _best(lambda: _clocks(rows, pauses[:sample]), 1)
    day_rows = [(s, int(a)) for s, k, a in rows if k == KIND_DAYS][: max(100, sample // 4)]
    naive_s = _best(lambda: _loop_is_workday(day_rows), 1)
    holidays_s = _best(lambda: _loop_holidays(day_rows), 1)
    disagreements = library_disagreements()
    return {
        "n": n,
        "sample": sample,
        "bulk_per_s": n / bulk_s,
        "floor_per_s": n / floor_s,
        "scalar_per_s": sample / scalar_s,
        "clock_value_per_s": sample / clock_s,
        "naive_per_s": len(day_rows) / naive_s,
        "holidays_per_s": len(day_rows) / holidays_s,
        "bulk_time_over_floor_time": bulk_s / floor_s,
        "bulk_over_naive": (n / bulk_s) / (len(day_rows) / naive_s),
        "bulk_over_holidays": (n / bulk_s) / (len(day_rows) / holidays_s),
        "library_disagreements": disagreements,
    }


def _inputs(rng: np.random.Generator, n: int) -> tuple[np.ndarray, ...]:
    starts = (np.datetime64(FIRST) + rng.integers(0, SPAN_DAYS, n)).astype("datetime64[D]")
    kinds = rng.choice([KIND_DAYS, KIND_MONTHS_CIVIL, KIND_MONTHS_CRIMINAL, 3], n).astype(np.int8)
    amounts = np.where(kinds == KIND_DAYS, rng.integers(1, 31, n), rng.integers(1, 7, n))
    amounts = np.where(kinds == 3, rng.integers(1, 21, n), amounts).astype(np.int32)
    pauses = np.where(rng.random(n) < 0.1, rng.integers(1, 21, n), 0).astype(np.int32)
    return starts, kinds, amounts, pauses


def _floor(starts: np.ndarray, work_ordinals: np.ndarray) -> Callable[[], object]:
    epoch = date(1970, 1, 1).toordinal()
    low, high = date(2020, 1, 1).toordinal(), date(2027, 12, 31).toordinal()
    window = work_ordinals[(work_ordinals >= low) & (work_ordinals <= high)] - epoch
    days = starts.astype(np.int64)
    return lambda: np.take(window, np.searchsorted(window, days), mode="clip")


def _scalar(rows: list[tuple[date, int, int]], pauses: np.ndarray) -> None:
    calendar = default_calendar()
    for (start, kind, amount), pause in zip(rows, pauses.tolist(), strict=True):
        unit = _UNITS.get(int(kind), Unit.WORKDAYS)
        rule = MonthRule.CRIMINAL if kind == KIND_MONTHS_CRIMINAL else MonthRule.CIVIL
        due_date(calendar, start, int(amount), unit, rule, extra_days=pause)


_UNITS = {KIND_DAYS: Unit.DAYS, KIND_MONTHS_CIVIL: Unit.MONTHS, KIND_MONTHS_CRIMINAL: Unit.MONTHS}


def _clocks(rows: list[tuple[date, int, int]], pauses: np.ndarray) -> None:
    calendar = default_calendar()
    for (start, kind, amount), pause in zip(rows, pauses.tolist(), strict=True):
        unit = _UNITS.get(int(kind), Unit.WORKDAYS)
        rule = MonthRule.CRIMINAL if kind == KIND_MONTHS_CRIMINAL else MonthRule.CIVIL
        clock = Clock.for_periods(
            start, Period(int(amount), unit), month_rule=rule, calendar=calendar
        )
        if pause:
            clock = clock.deduct(pause, "suspension")
        _ = clock.due_on


def _loop_is_workday(rows: list[tuple[date, int]]) -> None:
    import chinese_calendar

    for start, days in rows:
        end = start + timedelta(days=days)
        while not chinese_calendar.is_workday(end):
            end += timedelta(days=1)


def _loop_holidays(rows: list[tuple[date, int]]) -> None:
    import holidays as holidays_lib

    calendar = holidays_lib.country_holidays("CN", years=range(2020, 2028))
    for start, days in rows:
        end = start + timedelta(days=days)
        while not _holidays_workday(calendar, end):
            end += timedelta(days=1)


def _holidays_workday(calendar: object, day: date) -> bool:
    is_working = getattr(calendar, "is_working_day", None)
    return bool(is_working(day)) if callable(is_working) else False


def library_disagreements() -> dict[str, list[str]]:
    """Dates 2020–2026 where a library's rest-day answer differs from the official
    calendar (the notices, as loaded)."""
    import chinese_calendar
    import holidays as holidays_lib

    calendar = default_calendar()
    cn = holidays_lib.country_holidays("CN", years=range(2020, 2027))
    found: dict[str, list[str]] = {"chinesecalendar": [], "holidays": [], "numpy_busday": []}
    day = FIRST
    while day <= date(2026, 12, 31):
        official = calendar.is_rest_day(day)
        if chinese_calendar.is_holiday(day) != official:
            found["chinesecalendar"].append(day.isoformat())
        if (not _holidays_workday(cn, day)) != official:
            found["holidays"].append(day.isoformat())
        if calendar.is_makeup_workday(day):  # busday_offset cannot make a weekend a workday
            found["numpy_busday"].append(day.isoformat())
        day += timedelta(days=1)
    return found


def _best(action: Callable[[], object], repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        began = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - began)
    return best


def format_report(report: dict[str, object]) -> str:
    lines = [f"{key}: {value:,.1f}" for key, value in report.items() if isinstance(value, float)]
    disagreements = report["library_disagreements"]
    assert isinstance(disagreements, dict)
    for library, days in disagreements.items():
        lines.append(f"{library} disagrees with the notices on {len(days)} days 2020–2026")
    return "\n".join(lines)
