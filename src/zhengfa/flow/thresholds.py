"""Warning thresholds: how long before a clock's due instant its holder is warned.

Defaults follow the issue (30, 15, 7 and 3 days before and on the day for a trial limit;
2 hours for a same-day hazard; 5 minutes for a dispatch). A deployment overrides them per
rule code with the ``FLOW_WARNING_THRESHOLDS`` setting: ``{"civil.first.ordinary":
[2592000, 604800]}`` (seconds before the due instant). Overdue (0) is always watched.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from zhengfa.flow.models import Clock

OVERDUE = 0
_DAY = int(timedelta(days=1).total_seconds())
_HOUR = int(timedelta(hours=1).total_seconds())
_MINUTE = int(timedelta(minutes=1).total_seconds())

# The due instant of a day clock is the end of its due day, so "on the day" is one day before.
DEFAULTS: dict[str, tuple[int, ...]] = {
    "calendar": (30 * _DAY, 15 * _DAY, 7 * _DAY, 3 * _DAY, 1 * _DAY),
    "workdays": (5 * _DAY, 3 * _DAY, 1 * _DAY),
    "hours": (2 * _HOUR,),
    "minutes": (5 * _MINUTE,),
}


def thresholds_for(rule: str, span_kind: str) -> tuple[int, ...]:
    """Seconds before the due instant, most distant first, ending with 0 (overdue)."""
    configured: dict[str, list[int]] = getattr(settings, "FLOW_WARNING_THRESHOLDS", {})
    chosen = configured.get(rule) or DEFAULTS.get(span_kind, DEFAULTS["calendar"])
    return (*sorted({int(s) for s in chosen if int(s) > 0}, reverse=True), OVERDUE)


def label(threshold_s: int) -> str:
    """'3天 3 days', '2小时 2 hours', '已逾期 overdue'."""
    if threshold_s == OVERDUE:
        return "已逾期 overdue"
    for size, zh, en in ((_DAY, "天", "days"), (_HOUR, "小时", "hours"), (_MINUTE, "分钟", "min")):
        if threshold_s % size == 0:
            n = threshold_s // size
            return f"{n}{zh} {n} {en}"
    return f"{threshold_s}秒 {threshold_s} s"


def threshold_kind(clock: Clock) -> str:
    """calendar, workdays, hours or minutes: an instant clock longer than a few hours warns
    in hours."""
    if clock.span_kind != "minutes":
        return clock.span_kind
    length = (clock.due_at - clock.started_at).total_seconds()
    return "hours" if length > 3 * _HOUR else "minutes"


def thresholds_of(clock: Clock) -> tuple[int, ...]:
    return thresholds_for(clock.rule, threshold_kind(clock))
