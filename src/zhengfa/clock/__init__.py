"""The legal clock (法定期限): PRC work calendar, statutory period arithmetic, the table of
time limits, and vectorised evaluation of millions of clocks. Pure Python + NumPy; no
Django import anywhere in this package.

Public API
----------
Calendar (:mod:`zhengfa.clock.calendar`)
    ``WorkCalendar.load(*, chinesecalendar_years=None, data_dir=..., notice_dir=None,
    strict=False) -> WorkCalendar``; ``default_calendar() -> WorkCalendar`` (cached).
    ``cal.is_rest_day(d)``, ``cal.is_workday(d)``, ``cal.is_makeup_workday(d)``,
    ``cal.next_workday(d)``, ``cal.is_provisional(year)``, ``cal.published_years``,
    ``cal.provisional_years``, ``cal.check_year(year)`` (raises ``CalendarYearMissing``),
    ``cal.with_strict(True)``, ``cal.index`` (NumPy tables for bulk work).
    Years come from imported notices > ``clock/data/years/*.json`` > ``chinesecalendar`` >
    a provisional arrangement (weekends + statutory days of 全国年节及纪念日放假办法 2024,
    补假 on the next working day). Imported notices live in ``$ZHENGFA_CALENDAR_DIR``, else
    ``$ZHENGFA_VAR_DIR/calendar``, else ``./var/calendar``.

Periods (:mod:`zhengfa.clock.periods`)
    ``Unit`` (minutes, hours, days, workdays, months, years), ``MonthRule`` (civil,
    criminal), ``Period(amount, unit)``, ``Span.of(periods)``,
    ``add_months(start, n, rule)``, ``raw_end(start, span, rule)``,
    ``roll_forward(cal, day)``, ``nth_workday_after(cal, start, n, skipped=())``.

Limits (:mod:`zhengfa.clock.limits`)
    ``LIMITS: tuple[LimitRule, ...]``, ``get_rule(code) -> LimitRule`` (``UnknownRule``).
    ``LimitRule`` fields: ``code`` (e.g. ``civil.first.ordinary``), ``title_zh/en``,
    ``period``, ``trigger_en/zh``, ``citations``, ``month_rule``, ``rolls``,
    ``custody_no_roll``, ``extensions: tuple[ExtensionStep, ...]`` (``approver: Approver``,
    ``max_amount``, ``repeatable``, ``sets_total``, ``citation``), ``cap``,
    ``excluded: tuple[ExcludedReason, ...]`` (``code``, ``zh``, ``en``, ``citation``),
    ``deadlines: RequestDeadlines | None`` (request/decision days before expiry),
    ``effective_from/effective_to``, ``transition``, ``verified``, ``uncertainties``,
    ``invariable``. ``Approver``: statutory, trial_court, division_president,
    court_president, higher_court, high_court, supreme_court, agency_head, higher_agency,
    county.

Clock (:mod:`zhengfa.clock.clock`)
    ``Clock.start_under(rule_or_code, on, *, custody=False, calendar=None)``;
    ``Clock.for_periods(on, periods, *, rule=None, month_rule=CIVIL, custody=False,
    rolls=True, calendar=None)``. Immutable; events return new clocks:
    ``pause(on, reason)``, ``resume(on)``, ``paused_between(a, b, reason)``,
    ``deduct(days, reason)``, ``extend(amount=None, approver=None)``, ``stop(on)``.
    Answers: ``due_on``, ``due_at`` (aware, Asia/Shanghai; 23:59:59 of the due day for day
    periods), ``due_on_as_of(as_of)``, ``remaining_days(as_of)``,
    ``state(as_of, due_soon_days=3) -> ClockState`` (running, paused, due_soon, overdue,
    stopped), ``warnings`` (strings starting ``provisional:``, ``makeup:``,
    ``convention:``, ``rule:``), ``explain() -> list[Step]`` (``zh``, ``en``, ``citation``).

Bulk (:mod:`zhengfa.clock.bulk`)
    ``due_dates(starts, kinds, amounts, *, pause_days=None, extension=None, custody=None,
    calendar=None)`` over NumPy arrays (``datetime64[D]`` or ``date.toordinal()`` ints);
    kinds are ``KIND_DAYS``, ``KIND_MONTHS_CIVIL``, ``KIND_MONTHS_CRIMINAL``,
    ``KIND_WORKDAYS``. Equal to the scalar ``Clock`` answers.

Notices (:mod:`zhengfa.clock.notices`)
    ``parse_notice(text, year=None) -> YearArrangement``, ``store_notice(arrangement,
    directory=None) -> Path``.

Errors (:mod:`zhengfa.clock.errors`)
    ``ClockError`` (a ``ValueError``) and its subclasses ``CalendarYearMissing``,
    ``UnknownRule``, ``InvalidPeriod``, ``InvalidPause``, ``ExtensionNotAllowed``,
    ``ClockStopped``, ``NoticeParseError``.

CLI: ``zhengfa clock due|rules|bench|import-notice`` → :func:`zhengfa.clock.cli.main`.
"""

from __future__ import annotations

from zhengfa.clock.calendar import WorkCalendar, default_calendar
from zhengfa.clock.clock import Clock, ClockState, Step
from zhengfa.clock.errors import (
    CalendarYearMissing,
    ClockError,
    ClockStopped,
    ExtensionNotAllowed,
    InvalidPause,
    InvalidPeriod,
    NoticeParseError,
    UnknownRule,
)
from zhengfa.clock.limits import LIMITS, Approver, LimitRule, get_rule
from zhengfa.clock.periods import MonthRule, Period, Unit

__all__ = [
    "LIMITS",
    "Approver",
    "CalendarYearMissing",
    "Clock",
    "ClockError",
    "ClockState",
    "ClockStopped",
    "ExtensionNotAllowed",
    "InvalidPause",
    "InvalidPeriod",
    "LimitRule",
    "MonthRule",
    "NoticeParseError",
    "Period",
    "Step",
    "Unit",
    "UnknownRule",
    "WorkCalendar",
    "default_calendar",
    "get_rule",
]
