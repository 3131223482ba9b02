"""Reading the count tables: the selector API the dashboards, the map and the scoring use.

Every function takes the viewer and reads only the cells in their scope (the cells carry
the matter's region code and unit, scoped like matters: ``zhengfa.org.scoping``). None of
them touches the matter table. ``measure`` is one of ``measures.MEASURES``; daily
measures sum the events on days ``since..until`` (inclusive, either open-ended);
snapshot measures (open, overdue, paused) count matters open now and ignore the dates.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from zhengfa.insight.measures import DAILY_MEASURES, SNAPSHOT_MEASURES
from zhengfa.insight.models import DailyCount, OpenCount

Kinds = str | Sequence[str] | None
GROUPS = ("grid_id", "unit_id", "kind", "category", "region_code")


class UnknownMeasure(ValueError):
    pass


def legal_today() -> date:
    return timezone.localdate(timezone=timezone.get_default_timezone())


def _kind_filter(kind: Kinds) -> Q:
    if kind is None:
        return Q()
    if isinstance(kind, str):
        return Q(kind=kind)
    return Q(kind__in=list(kind))


def _cells(
    user: Any,
    measure: str,
    kind: Kinds,
    since: date | None,
    until: date | None,
    today: date | None,
) -> QuerySet[Any]:
    if measure in DAILY_MEASURES:
        days = Q(measure=measure)
        days &= Q(day__gte=since) if since else Q()
        days &= Q(day__lte=until) if until else Q()
        return DailyCount.objects.for_user(user).filter(days, _kind_filter(kind))
    if measure not in SNAPSHOT_MEASURES:
        raise UnknownMeasure(measure)
    cells = OpenCount.objects.for_user(user).filter(_kind_filter(kind))
    if measure == "paused":
        return cells.filter(paused=True)
    if measure == "overdue":
        return cells.filter(paused=False, due_on__lt=today or legal_today())
    return cells


def measure_total(
    user: Any,
    measure: str,
    kind: Kinds = None,
    since: date | None = None,
    until: date | None = None,
    today: date | None = None,
) -> int:
    """One figure over the viewer's whole area."""
    cells = _cells(user, measure, kind, since, until, today)
    return int(cells.aggregate(total=Sum("n"))["total"] or 0)


def measure_by(
    user: Any,
    measure: str,
    by: str,
    kind: Kinds = None,
    since: date | None = None,
    until: date | None = None,
    today: date | None = None,
) -> dict[Any, int]:
    """The figure per grid, unit, kind, category or region code (one query)."""
    if by not in GROUPS:
        raise ValueError(f"group by one of {GROUPS}, not {by!r}")
    rows = _cells(user, measure, kind, since, until, today).values(by).annotate(total=Sum("n"))
    return {row[by]: int(row["total"]) for row in rows.order_by()}


def grid_measures(
    user: Any,
    measure: str,
    kind: Kinds = None,
    since: date | None = None,
    until: date | None = None,
    today: date | None = None,
) -> dict[int, int]:
    """{grid id: value} for the grids in the viewer's scope with a non-zero value.
    Matters without a grid (court cases, county-level work) are left out."""
    values = measure_by(user, measure, "grid_id", kind, since, until, today)
    return {grid: value for grid, value in values.items() if grid is not None}


def measure_by_day(
    user: Any,
    measure: str,
    kind: Kinds = None,
    since: date | None = None,
    until: date | None = None,
) -> dict[date, int]:
    """A daily measure per day (days without events are absent); ISO weeks sum these."""
    if measure not in DAILY_MEASURES:
        raise UnknownMeasure(measure)
    rows = _cells(user, measure, kind, since, until, None).values("day").annotate(total=Sum("n"))
    return {row["day"]: int(row["total"]) for row in rows.order_by()}
