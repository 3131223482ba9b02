"""Period arithmetic (期间的计算) by the procedural laws' rules.

- The hour or day of the triggering event is not counted: hour periods run from the next
  full hour, day/month/year periods from the next day (CPL art. 85(2); CrimPL art. 105(2);
  Civil Interp. art. 125).
- N days end on trigger + N calendar days; rest days inside are counted (CPL art. 85).
- Months/years, civil rule: the same-numbered day of the end month, or that month's last
  day (Civil Code art. 202). Criminal rule: as civil, except that a start on the last day of
  a month ends on the last day of the end month (Crim. Interp. (2021) art. 202(1)).
- A last day that is a 法定休假日 rolls to the next working day (CPL art. 85(3); Civil Code
  art. 203; CrimPL art. 105(4); Admin Interp. art. 48), except periods in custody (CrimPL
  art. 105(4)) and hour periods.
- Working-day periods (行政许可法 art. 82) count working days of the official calendar.
- Days not counted (中止 pauses, 扣除 deductions) are added after the month arithmetic
  (legal-time-limits §1.15 step 3).
"""

from __future__ import annotations

import calendar as _gregorian
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from zhengfa.clock.calendar import WorkCalendar
from zhengfa.clock.errors import InvalidPeriod


class Unit(StrEnum):
    MINUTES = "minutes"
    HOURS = "hours"
    DAYS = "days"
    WORKDAYS = "workdays"
    MONTHS = "months"
    YEARS = "years"


UNIT_ZH = {
    Unit.MINUTES: "分钟",
    Unit.HOURS: "小时",
    Unit.DAYS: "日",
    Unit.WORKDAYS: "个工作日",
    Unit.MONTHS: "个月",
    Unit.YEARS: "年",
}


class MonthRule(StrEnum):
    """How a month period ends. CIVIL: Civil Code art. 202. CRIMINAL: Crim. Interp. art. 202."""

    CIVIL = "civil"
    CRIMINAL = "criminal"


@dataclass(frozen=True)
class Period:
    amount: int
    unit: Unit

    def __post_init__(self) -> None:
        if self.amount < 0:
            raise InvalidPeriod(f"period amount {self.amount} is negative; accepted: 0 or more")

    def zh(self) -> str:
        return f"{self.amount}{UNIT_ZH[self.unit]}"

    def en(self) -> str:
        return f"{self.amount} {self.unit.value}"


@dataclass(frozen=True)
class Span:
    """The sum of a clock's periods, cumulative from the original start (§1.15 step 3)."""

    months: int = 0
    days: int = 0
    workdays: int = 0
    minutes: int = 0

    @classmethod
    def of(cls, periods: Iterable[Period]) -> Span:
        totals = {"months": 0, "days": 0, "workdays": 0, "minutes": 0}
        for period in periods:
            key, factor = _SPAN_FIELD[period.unit]
            totals[key] += period.amount * factor
        span = cls(**totals)
        span.check_consistent()
        return span

    @property
    def kind(self) -> str:
        """'minutes', 'workdays' or 'calendar' (months and days)."""
        if self.minutes:
            return "minutes"
        if self.workdays:
            return "workdays"
        return "calendar"

    def check_consistent(self) -> None:
        mixes = sum(bool(v) for v in (self.months or self.days, self.workdays, self.minutes))
        if mixes > 1:
            raise InvalidPeriod(
                "a clock counts in one kind of unit: calendar (days, months, years), working "
                "days, or hours/minutes; got a mix"
            )


_SPAN_FIELD = {
    Unit.MINUTES: ("minutes", 1),
    Unit.HOURS: ("minutes", 60),
    Unit.DAYS: ("days", 1),
    Unit.WORKDAYS: ("workdays", 1),
    Unit.MONTHS: ("months", 1),
    Unit.YEARS: ("months", 12),
}


def add_months(start: date, months: int, rule: MonthRule = MonthRule.CIVIL) -> date:
    """The last day of a period of ``months`` months triggered on ``start``."""
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = _gregorian.monthrange(year, month)[1]
    if (
        rule is MonthRule.CRIMINAL
        and start.day == _gregorian.monthrange(start.year, start.month)[1]
    ):
        return date(year, month, last)
    return date(year, month, min(start.day, last))


def raw_end(start: date, span: Span, rule: MonthRule, extra_days: int = 0) -> date:
    """Months first, then days, then the days not counted; before any holiday roll."""
    end = add_months(start, span.months, rule) if span.months else start
    return end + timedelta(days=span.days + extra_days)


def roll_forward(cal: WorkCalendar, day: date) -> date:
    """A last day that is a rest day moves to the first working day after it."""
    return cal.next_workday(day)


def nth_workday_after(
    cal: WorkCalendar, start: date, count: int, skipped: Sequence[tuple[date, date]] = ()
) -> date:
    """The ``count``-th working day after ``start``, not counting working days inside the
    ``skipped`` intervals (inclusive): paused days are not working days that count."""
    if count <= 0:
        return start
    skip = 0
    while True:
        due = cal.workday_by_rank(start, count + skip)
        lost = sum(cal.workdays_between(max(a - _ONE_DAY, start), min(b, due)) for a, b in skipped)
        if lost == skip:
            return due
        skip = lost


_ONE_DAY = timedelta(days=1)


def first_counted_instant(start: datetime, unit: Unit) -> datetime:
    """Hour periods run from the next full hour (CPL art. 85(2)); minute periods, by the
    same reading, from the next full minute."""
    if unit is Unit.HOURS:
        return start.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    return start.replace(second=0, microsecond=0) + timedelta(minutes=1)


def count_days(intervals: Iterable[tuple[date, date]]) -> int:
    """Days in inclusive intervals (both ends count: §5.3, medium confidence)."""
    return sum((b - a).days + 1 for a, b in intervals)


def due_date(
    cal: WorkCalendar,
    start: date,
    amount: int,
    unit: Unit,
    month_rule: MonthRule = MonthRule.CIVIL,
    *,
    extra_days: int = 0,
    roll: bool = True,
) -> date:
    """The scalar fast path: the due date of one calendar or working-day period with
    ``extra_days`` not counted (same answer as :class:`Clock`, without its bookkeeping)."""
    if unit is Unit.WORKDAYS:
        return cal.workday_by_rank(start, amount + extra_days)
    if unit is Unit.DAYS:
        end = start + timedelta(days=amount + extra_days)
    elif unit is Unit.MONTHS or unit is Unit.YEARS:
        months = amount * 12 if unit is Unit.YEARS else amount
        end = add_months(start, months, month_rule) + timedelta(days=extra_days)
    else:
        raise InvalidPeriod(f"due_date counts days, months, years or workdays, not {unit}")
    if not roll:
        cal.check_year(end.year)
        return end
    return cal.next_workday(end)
