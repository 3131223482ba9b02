"""The one place where flow meets the legal clock (``zhengfa.clock``).

A stored clock is its start plus its events; :func:`replay` turns them into the clock
library's value, which alone computes due dates, warnings and the explanation. Flow never
does date arithmetic itself: a stored due date is always ``replay(...).due_on``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from zhengfa.clock import Approver, ClockError, LimitRule, Period, get_rule
from zhengfa.clock import Clock as LegalClock
from zhengfa.clock import Unit as PeriodUnit
from zhengfa.clock.limits import ExcludedReason, ExtensionStep
from zhengfa.clock.periods import Span
from zhengfa.flow.models import Clock, ClockEvent, ClockEventKind

__all__ = [
    "Approver",
    "ClockError",
    "Computed",
    "LegalClock",
    "apply",
    "compute",
    "limit_rule",
    "new_value",
    "replay",
]


@dataclass(frozen=True)
class Computed:
    due_on: date
    due_at: datetime
    warnings: tuple[str, ...]
    span_kind: str  # calendar, workdays or minutes


def limit_rule(code: str) -> LimitRule | None:
    return get_rule(code) if code else None


def period_of(amount: int, unit: str) -> Period:
    try:
        return Period(amount, PeriodUnit(unit))
    except ValueError:
        accepted = ", ".join(u.value for u in PeriodUnit)
        raise ClockError(f"unknown period unit {unit!r}; accepted: {accepted}") from None


def new_value(
    *, rule: str, started_on: date, started_at: datetime, period: Period | None = None
) -> LegalClock:
    """The clock value at its start. Hour and minute periods start from the instant."""
    if rule:
        limit = get_rule(rule)
        on: date | datetime = started_at if Span.of(limit.period).kind == "minutes" else started_on
        return LegalClock.start_under(limit, on)
    if period is None:
        raise ClockError("a clock needs a rule code or a period")
    instant = Span.of((period,)).kind == "minutes"
    return LegalClock.for_periods(started_at if instant else started_on, period)


def apply(value: LegalClock, event: ClockEvent) -> LegalClock:
    """One recorded event applied to the value (the library checks it is lawful)."""
    kind = event.kind
    if kind == ClockEventKind.PAUSE:
        return value.pause(event.on, event.reason_code or "suspension")
    if kind == ClockEventKind.RESUME:
        return value.resume(event.on)
    if kind == ClockEventKind.DEDUCT:
        return value.deduct(event.days or 0, event.reason_code)
    if kind == ClockEventKind.EXTEND:
        amount = period_of(event.amount, event.unit) if event.amount else None
        return value.extend(amount, approver=event.level or None)
    if kind == ClockEventKind.STOP:
        return value.stop(event.on)
    return value  # start and recalc change nothing in the computation


def replay(clock: Clock, events: Iterable[ClockEvent]) -> LegalClock:
    period = period_of(clock.period_amount, clock.period_unit) if clock.period_amount else None
    value = new_value(
        rule=clock.rule, started_on=clock.started_on, started_at=clock.started_at, period=period
    )
    for event in events:
        value = apply(value, event)
    return value


def compute(value: LegalClock) -> Computed:
    return Computed(value.due_on, value.due_at, tuple(value.warnings), value.span.kind)


def excluded_reasons(rule: str) -> tuple[ExcludedReason, ...]:
    limit = limit_rule(rule)
    return limit.excluded if limit else ()


def next_extension_step(rule: str, used: int) -> ExtensionStep | None:
    limit = limit_rule(rule)
    if limit is None or limit.invariable or not limit.extensions:
        return None
    steps = limit.extensions
    if used < len(steps):
        return steps[used]
    return steps[-1] if steps[-1].repeatable else None
