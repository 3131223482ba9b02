"""Reads for trend alerts: the weekly series behind a detection, alerts in a viewer's scope,
and the figures of a weekly report.

The series are the matters opened (every domain's ``flow.Matter``) per ISO week, read from
the pre-aggregated count table (``insight.DailyCount``, measure ``opened``, legal dates in
Asia/Shanghai) with one aggregate query grouped by kind × region × grid × week, then
rolled up in Python to grid, township (9-digit region code) and county (6). The report's
open and overdue figures come from the same tables (``insight.aggregates``), scoped to
the subscriber.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from django.db.models import QuerySet, Sum
from django.db.models.functions import TruncWeek
from django.http import Http404
from django.utils import timezone

from zhengfa.insight.aggregates import measure_total
from zhengfa.insight.alerts.models import AreaLevel, ReportSubscription, TrendAlert
from zhengfa.insight.counts import WeeklyCounts
from zhengfa.insight.models import DailyCount
from zhengfa.insight.weeks import format_week, week_grid
from zhengfa.org.models import REGION_CODE_LENGTH, Grid, Region, RegionLevel

SHANGHAI = ZoneInfo("Asia/Shanghai")
TOWNSHIP_DIGITS = REGION_CODE_LENGTH[RegionLevel.TOWNSHIP]
COUNTY_DIGITS = REGION_CODE_LENGTH[RegionLevel.COUNTY]


@dataclass(frozen=True)
class SeriesKey:
    """What a series counts: matters of one category opened in one area."""

    level: str
    code: str
    category: str

    @property
    def name(self) -> str:
        return f"{self.level}:{self.code}:{self.category}"

    @classmethod
    def parse(cls, name: str) -> SeriesKey:
        level, code, category = name.split(":", 2)
        return cls(level, code, category)


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=SHANGHAI)


def weekly_series(*, first: date, last: date) -> WeeklyCounts:
    """Counts of every category × grid/township/county for the weeks ``first``…``last``
    (Mondays), zero where nothing was opened, from the first week with any matter on;
    one aggregate query."""
    weeks = tuple(week_grid(first, last))
    cells: dict[tuple[str, int], int] = defaultdict(int)
    rows = list(_week_cells(first, last))
    grid_codes = _grid_codes({row["grid_id"] for row in rows if row["grid_id"]})
    for row in rows:
        column = (_monday(row["week"]) - first).days // 7
        for key in _keys_of(row, grid_codes.get(row["grid_id"])):
            cells[(key.name, column)] += row["n"]
    names = tuple(sorted({name for name, _ in cells}))
    index = {name: i for i, name in enumerate(names)}
    counts = np.zeros((len(names), len(weeks)), dtype=np.int64)
    for (name, column), n in cells.items():
        counts[index[name], column] = n
    # Weeks before the first recorded matter are before the platform, not weeks of zero.
    start = min((column for _, column in cells), default=len(weeks) - 1)
    return WeeklyCounts(series=names, weeks=weeks[start:], counts=counts[:, start:])


def _week_cells(first: date, last: date) -> Iterable[Mapping[str, Any]]:
    opened = DailyCount.objects.filter(
        measure="opened", day__gte=first, day__lte=last + timedelta(days=6)
    )
    return (
        opened.annotate(week=TruncWeek("day"))
        .values("kind", "region_code", "grid_id", "week")
        .annotate(n=Sum("n"))
        .order_by()
    )


def _grid_codes(ids: set[int]) -> dict[int, str]:
    return dict(Grid.objects.filter(pk__in=ids).values_list("pk", "code"))


def _monday(value: date | datetime) -> date:
    day = value.astimezone(SHANGHAI).date() if isinstance(value, datetime) else value
    return day - timedelta(days=day.weekday())


def _keys_of(row: Mapping[str, Any], grid_code: str | None) -> list[SeriesKey]:
    kind, region = row["kind"], row["region_code"] or ""
    keys = []
    if grid_code:
        keys.append(SeriesKey(AreaLevel.GRID, grid_code, kind))
    if len(region) >= TOWNSHIP_DIGITS:
        keys.append(SeriesKey(AreaLevel.TOWNSHIP, region[:TOWNSHIP_DIGITS], kind))
    if len(region) >= COUNTY_DIGITS:
        keys.append(SeriesKey(AreaLevel.COUNTY, region[:COUNTY_DIGITS], kind))
    return keys


@dataclass(frozen=True)
class Place:
    name: str
    region_code: str


def places_of(keys: list[SeriesKey]) -> dict[tuple[str, str], Place]:
    """Name and scoping region of each area named (a grid lies in its village)."""
    grid_codes = {k.code for k in keys if k.level == AreaLevel.GRID}
    region_codes = {k.code for k in keys if k.level != AreaLevel.GRID}
    found: dict[tuple[str, str], Place] = {}
    for grid in Grid.objects.filter(code__in=grid_codes).only("code", "name", "region_id"):
        found[(AreaLevel.GRID, grid.code)] = Place(grid.name, grid.region_id)
    names = dict(Region.objects.filter(code__in=region_codes).values_list("code", "name"))
    for key in keys:
        if key.level != AreaLevel.GRID:
            found[(key.level, key.code)] = Place(names.get(key.code, key.code), key.code)
    return found


# --------------------------------------------------------------------------- alerts


@dataclass(frozen=True)
class AlertFilters:
    week: date | None = None
    category: str = ""
    level: str = ""
    area: str = ""  # a region or grid code prefix


def alerts_for(user: Any, filters: AlertFilters, *, limit: int = 200) -> list[TrendAlert]:
    """Alerts in the user's scope, strongest first."""
    rows = TrendAlert.objects.for_user(user)
    if filters.week:
        rows = rows.filter(week=filters.week)
    if filters.category:
        rows = rows.filter(category=filters.category)
    if filters.level:
        rows = rows.filter(area_level=filters.level)
    if filters.area:
        rows = rows.filter(area_code__startswith=filters.area)
    return list(rows.order_by("-week", "-score", "pk").defer("history")[:limit])


def alert_for(user: Any, pk: int) -> TrendAlert:
    """One alert in the user's scope; missing and forbidden give the same 404."""
    found = TrendAlert.objects.for_user(user).filter(pk=pk).first()
    if found is None:
        raise Http404("No trend alert matches the given query.")
    return found  # type: ignore[no-any-return]


def alert_weeks(user: Any) -> list[str]:
    """The latest weeks (ISO labels) with alerts in the user's scope."""
    rows = TrendAlert.objects.for_user(user).values_list("week", flat=True).distinct()
    return [format_week(w) for w in sorted(set(rows), reverse=True)[:52]]


def alert_categories(user: Any) -> list[str]:
    rows = TrendAlert.objects.for_user(user).values_list("category", flat=True).distinct()
    return sorted(set(rows))


# --------------------------------------------------------------------------- reports


@dataclass(frozen=True)
class WeeklyFigures:
    """What a subscriber's weekly report says, all within the subscriber's own scope."""

    week: date
    alerts: list[TrendAlert]
    open_matters: int
    overdue_matters: int


def weekly_figures(user: Any, week: date, at: datetime) -> WeeklyFigures:
    """Overdue: open, not paused, due date before the legal day of ``at``."""
    today = timezone.localdate(at)
    return WeeklyFigures(
        week=week,
        alerts=alerts_for(user, AlertFilters(week=week)),
        open_matters=measure_total(user, "open"),
        overdue_matters=measure_total(user, "overdue", today=today),
    )


def subscription_of(user: Any) -> ReportSubscription | None:
    return ReportSubscription.objects.filter(user=user).first()


def subscriptions_due(week: date) -> QuerySet[ReportSubscription]:
    """Subscriptions of active users whose report for ``week`` has not been sent."""
    return (
        ReportSubscription.objects.filter(user__is_active=True)
        .exclude(deliveries__week=week)
        .select_related("user", "user__unit")
        .order_by("pk")
    )
