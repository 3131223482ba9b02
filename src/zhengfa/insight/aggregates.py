"""Reading the count tables: the selector API the dashboards, the map and the scoring use.

Every function takes the viewer and reads only the cells in their scope (the cells carry
the matter's region code and unit, scoped like matters: ``zhengfa.org.scoping``). None of
them touches the matter table. ``measure`` is one of ``measures.MEASURES``; daily
measures sum the events on days ``since..until`` (inclusive, either open-ended);
snapshot measures (open, overdue, paused) count matters open now and ignore the dates;
"overdue" is as of the day of the last refresh (``RefreshState.as_of``, the worker moves
it each day), and ``today`` is accepted for callers' symmetry only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from zhengfa.insight.measures import DAILY_MEASURES, SNAPSHOT_MEASURES
from zhengfa.insight.models import AreaCount, DailyCount, MonthlyCount, OpenCount

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


@dataclass(frozen=True)
class Spans:
    """A period split into whole months (read from month rows) and the days at its edges."""

    first_month: date | None  # first day of the first whole month
    last_month: date | None  # first day of the last whole month
    days: tuple[tuple[date | None, date | None], ...]  # inclusive day ranges

    @classmethod
    def of(cls, since: date | None, until: date | None) -> Spans:
        first = None if since is None else since if since.day == 1 else _next_month(since)
        last = None if until is None else _last_whole_month(until)
        low, high = first or date.min, last or date.max
        if low > high:
            return cls(None, None, ((since, until),))
        days: tuple[tuple[date | None, date | None], ...] = ()
        if since is not None and first is not None and first != since:
            days += ((since, first - timedelta(days=1)),)
        if until is not None and last is not None and _next_month(last) <= until:
            days += ((_next_month(last), until),)
        return cls(low, high, days)

    def q(self, field: str) -> Q:
        months = Q(**{f"{field}__gte": self.first_month, f"{field}__lte": self.last_month})
        return months if self.first_month is not None else Q(pk__in=[])

    def day_q(self, field: str) -> Q:
        ranges = Q(pk__in=[])
        for low, high in self.days:
            bounds = Q()
            bounds &= Q(**{f"{field}__gte": low}) if low else Q()
            bounds &= Q(**{f"{field}__lte": high}) if high else Q()
            ranges |= bounds
        return ranges


def _next_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def _last_whole_month(until: date) -> date:
    """The first day of the last month that ends on or before ``until``."""
    if _next_month(until) - timedelta(days=1) == until:
        return until.replace(day=1)
    return (until.replace(day=1) - timedelta(days=1)).replace(day=1)


def _events(
    user: Any, measure: str, kind: Kinds, since: date | None, until: date | None, by: str | None
) -> QuerySet[Any]:
    """The rows that hold a daily measure over a period: month rows for the whole months,
    day rows for the edges; grid-level tables when grouping by grid, area tables else."""
    spans = Spans.of(since, until)
    kinds = _kind_filter(kind)
    if by == "grid_id":
        months = MonthlyCount.objects.for_user(user).filter(spans.q("month"), kinds)
        days = DailyCount.objects.for_user(user).filter(spans.day_q("day"), kinds)
        return (
            months.filter(measure=measure)
            .values(by, "n")
            .union(days.filter(measure=measure).values(by, "n"), all=True)
        )
    spans_q = Q(span="m") & spans.q("start") | Q(span="d") & spans.day_q("start")
    return AreaCount.objects.for_user(user).filter(spans_q, kinds, measure=measure)


def _cells(
    user: Any,
    measure: str,
    kind: Kinds,
    since: date | None,
    until: date | None,
    today: date | None,
) -> QuerySet[Any]:
    if measure in DAILY_MEASURES:
        return _events(user, measure, kind, since, until, None)
    if measure not in SNAPSHOT_MEASURES:
        raise UnknownMeasure(measure)
    return OpenCount.objects.for_user(user).filter(_kind_filter(kind))


SNAPSHOT_COLUMN = {"open": "n", "paused": "paused", "overdue": "overdue"}


def _column(measure: str) -> str:
    return SNAPSHOT_COLUMN.get(measure, "n")


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
    return int(cells.aggregate(total=Sum(_column(measure)))["total"] or 0)


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
    if measure in DAILY_MEASURES and by == "grid_id":
        return _sum_union(_events(user, measure, kind, since, until, by))
    column = _column(measure)
    cells = _cells(user, measure, kind, since, until, today)
    rows = cells.values(by).annotate(total=Sum(column)).order_by()
    return {row[by]: int(row["total"]) for row in rows if row["total"]}


def _sum_union(rows: QuerySet[Any]) -> dict[Any, int]:
    """``n`` summed per grid over the month and day rows, in the database: one row per
    grid comes back instead of every cell (a city's year is ~250,000 cells at 10 M
    matters, and summing them in Python took seconds)."""
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT u.grid_id, SUM(u.n) FROM ({sql}) u GROUP BY u.grid_id",  # noqa: S608
            params,
        )
        return {grid_id: int(total) for grid_id, total in cursor.fetchall()}


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
    cells = AreaCount.objects.for_user(user).filter(_kind_filter(kind), measure=measure, span="d")
    cells = cells.filter(Spans(None, None, ((since, until),)).day_q("start"))
    rows = cells.values("start").annotate(total=Sum("n")).order_by()
    return {row["start"]: int(row["total"]) for row in rows}
