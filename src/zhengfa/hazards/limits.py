"""The rectification limit of a hazard: which period its clock runs, by severity.

A same-day limit ("隐患不过夜") is an instant clock of whole minutes that the legal clock
ends no later than the cut-off of the day the hazard is found (23:59 by default, or an
evening cut-off such as 20:00). The legal clock does not count the minute a period starts
in, so the number of minutes is found by asking it, never by our own arithmetic. A hazard
found after the cut-off still has until the end of that day, and about ``MIN_SAME_DAY``
at least — so a hazard found at 23:50 is not overdue on arrival.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.utils import timezone

from zhengfa.clock import Clock as LegalClock
from zhengfa.clock import Period
from zhengfa.clock import Unit as PeriodUnit
from zhengfa.flow.common import invalid
from zhengfa.hazards.models import RectificationLimit, Severity

END_OF_DAY = time(23, 59)
MIN_SAME_DAY = timedelta(hours=1)
SAFETY_LAW = "《安全生产法》(2021修正)第41条 事故隐患及时消除"
# Used only when an admin has deleted a severity's row: the defaults of the data migration.
DEFAULTS: dict[str, tuple[bool, time | None, int | None, str]] = {
    Severity.MAJOR: (True, END_OF_DAY, None, "days"),
    Severity.SERIOUS: (False, None, 3, "days"),
    Severity.GENERAL: (False, None, 7, "days"),
}


@dataclass(frozen=True)
class Deadline:
    period: tuple[int, str]  # (amount, unit) for flow's clock_start
    label: str
    legal_basis: str


def limit_for(severity: str) -> RectificationLimit:
    if severity not in Severity.values:
        raise invalid(
            "severity", f"unknown severity {severity!r}; accepted: {', '.join(Severity.values)}"
        )
    found = RectificationLimit.objects.filter(severity=severity).first()
    if found is not None:
        return found
    same_day, cutoff, amount, unit = DEFAULTS[severity]
    return RectificationLimit(
        severity=severity,
        same_day=same_day,
        cutoff=cutoff,
        amount=amount,
        unit=unit,
        legal_basis=SAFETY_LAW,
    )


def rectification_deadline(severity: str, found_at: datetime) -> Deadline:
    """The period of the rectification clock of a hazard of ``severity`` found at
    ``found_at`` (the clock starts at that instant)."""
    limit = limit_for(severity)
    if limit.same_day:
        minutes = same_day_minutes(found_at, limit.cutoff or END_OF_DAY)
        return Deadline(
            (minutes, PeriodUnit.MINUTES.value),
            "当日整改 Same-day rectification",
            limit.legal_basis,
        )
    amount, unit = limit.amount or 1, limit.unit
    return Deadline((amount, unit), "限期整改 Rectification", limit.legal_basis)


def same_day_minutes(found_at: datetime, cutoff: time) -> int:
    """The most whole minutes from ``found_at`` that the legal clock ends by the cut-off
        (or by 23:59 after the cut-off, or about ``MIN_SAME_DAY`` late at night). The legal clock
    reads a whole number of hours as an hour period, which begins at the next full hour, so
    the answer can end a minute or two before the target."""
    local = timezone.localtime(found_at)
    target = _target(local, cutoff)
    minutes = int((target - local).total_seconds() // 60)
    while minutes > 1 and _ends(local, minutes) > target:
        minutes -= 1
    return minutes


def _target(local: datetime, cutoff: time) -> datetime:
    for moment in (cutoff, END_OF_DAY):
        target = local.replace(hour=moment.hour, minute=moment.minute, second=0, microsecond=0)
        if target - local >= MIN_SAME_DAY:
            return target
    return local + MIN_SAME_DAY


def _ends(start: datetime, minutes: int) -> datetime:
    return LegalClock.for_periods(start, Period(minutes, PeriodUnit.MINUTES)).due_at
