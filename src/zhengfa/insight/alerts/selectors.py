"""Reads for trend alerts: the weekly series behind a detection, alerts in a viewer's scope,
and the figures of a weekly report.

The series are the matters opened (every domain's ``flow.Matter``) per ISO week, read from
the pre-aggregated count table (``insight.DailyCount``, measure ``opened``, legal dates in
Asia/Shanghai), summed in the database per cell × week (an integer week number computed in
SQL), sent as one row per cell with its weeks joined into text, and rolled up to grids,
townships (9-digit region-code prefix) and counties (6). The report's open and overdue
figures come from the same tables (``insight.aggregates``), scoped to
the subscriber.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db import connection
from django.db.models import Func, IntegerField, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from zhengfa.insight.aggregates import measure_total
from zhengfa.insight.alerts.models import AreaLevel, ReportSubscription, TrendAlert
from zhengfa.insight.counts import WeeklyCounts
from zhengfa.insight.models import DailyCount
from zhengfa.insight.weeks import format_week, week_grid
from zhengfa.org.models import REGION_CODE_LENGTH, Grid, Region, RegionLevel

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


def weekly_series(*, first: date, last: date) -> WeeklyCounts:
    """Counts of every category × grid/township/county for the weeks ``first``…``last``
    (Mondays), zero where nothing was opened, from the first week with any matter on.

    One query sums the count table per cell (grid × region × kind) and week in the
    database and sends each cell's weeks as one row; the roll-up to grid, township and
    county series is vectorised, so a city's 2-3 million cell-weeks cost seconds in Python,
    not minutes."""
    weeks = tuple(week_grid(first, last))
    cells = _cell_weeks(first, last)
    if not cells.kinds:
        return WeeklyCounts(series=(), weeks=weeks, counts=np.zeros((0, len(weeks)), np.int64))
    grids, grid_counts = _accumulate(zip(cells.grids, cells.kinds, strict=True), cells, len(weeks))
    codes = _grid_codes({grid for grid, _ in grids})
    names = [f"{AreaLevel.GRID}:{codes[grid]}:{kind}" for grid, kind in grids]
    parts = [grid_counts]
    for level, digits in ((AreaLevel.TOWNSHIP, TOWNSHIP_DIGITS), (AreaLevel.COUNTY, COUNTY_DIGITS)):
        keys = (
            (r[:digits] if len(r) >= digits else None, k)
            for r, k in zip(cells.regions, cells.kinds, strict=True)
        )
        areas, counts = _accumulate(keys, cells, len(weeks))
        names += [f"{level}:{area}:{kind}" for area, kind in areas]
        parts.append(counts)
    order = np.argsort(np.array(names, dtype=object), kind="stable")
    counts = np.vstack(parts)[order]
    # Weeks before the first recorded matter are before the platform, not weeks of zero.
    start = int(np.flatnonzero(counts.any(axis=0))[0])
    return WeeklyCounts(
        series=tuple(names[i] for i in order), weeks=weeks[start:], counts=counts[:, start:]
    )


WEEK_ZERO = date(1970, 1, 5)  # a Monday: week numbers count whole weeks from it


def _week_number(day: date) -> int:
    return (day - WEEK_ZERO).days // 7


class WeekNumber(Func):
    """The integer week number of a date column (``_week_number`` in SQL): one integer to
    group by instead of ISO year and week extracted apart (two EXTRACTs a row, numeric
    on PostgreSQL, a Python function a row on SQLite)."""

    output_field = IntegerField()
    template = f"CAST(julianday(%(expressions)s) - julianday('{WEEK_ZERO}') AS INTEGER) / 7"

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = f"((%(expressions)s) - DATE '{WEEK_ZERO}') / 7"  # date - date: days
        return self.as_sql(compiler, connection, template=template, **extra)


@dataclass(frozen=True)
class CellWeeks:
    """The cells (grid, region code, kind) with matters opened, and their weekly totals:
    entry ``i`` says cell ``cell_index[i]`` had ``totals[i]`` opened in week column
    ``columns[i]`` (weeks counted from the first week read)."""

    grids: tuple[int | None, ...]
    regions: tuple[str, ...]
    kinds: tuple[str, ...]
    cell_index: npt.NDArray[np.int64]
    columns: npt.NDArray[np.int64]
    totals: npt.NDArray[np.int64]


def _cell_weeks(first: date, last: date) -> CellWeeks:
    """Every cell's weekly totals, summed in SQL and sent as one row per cell with its
    ``week,total,…`` pairs joined into text, parsed in one NumPy call: a city's ~35 k rows
    instead of ~2.6 M cell × week rows, whose transfer dominated the read on PostgreSQL."""
    weekly, params = _weekly_totals(first, last).query.sql_with_params()
    joined = _comma_joined("CAST(week AS TEXT) || ',' || CAST(total AS TEXT)")
    sql = (
        f"SELECT grid_id, region_code, kind, COUNT(*), {joined}"  # noqa: S608 (values are parameters)
        f" FROM ({weekly}) cell_week GROUP BY grid_id, region_code, kind"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not rows:
        nothing = np.zeros(0, np.int64)
        return CellWeeks((), (), (), nothing, nothing, nothing)
    grids, regions, kinds, lengths, texts = zip(*rows, strict=True)
    weeks_totals = np.fromstring(",".join(texts), sep=",", dtype=np.int64).reshape(-1, 2)
    return CellWeeks(
        grids=grids,
        regions=regions,
        kinds=kinds,
        cell_index=np.repeat(np.arange(len(rows)), np.asarray(lengths, dtype=np.int64)),
        columns=weeks_totals[:, 0] - _week_number(first),
        totals=weeks_totals[:, 1],
    )


def _weekly_totals(first: date, last: date) -> QuerySet[DailyCount, Any]:
    """Opened per cell and week number in the weeks ``first``…``last``."""
    return (
        DailyCount.objects.filter(
            measure="opened", day__gte=first, day__lte=last + timedelta(days=6)
        )
        .annotate(week=WeekNumber("day"))
        .values_list("grid_id", "region_code", "kind", "week")
        .annotate(total=Sum("n"))
        .order_by()
    )


def _comma_joined(text: str) -> str:
    """SQL aggregate joining ``text`` over a group with commas, in the vendor's spelling."""
    function = "string_agg" if connection.vendor == "postgresql" else "group_concat"
    return f"{function}({text}, ',')"


def _accumulate(
    keys: Iterable[tuple[Any, str]], cells: CellWeeks, width: int
) -> tuple[list[tuple[Any, str]], npt.NDArray[np.int64]]:
    """Sum the cells into one row per distinct key (one key per cell, in the cells' order);
    a key whose area is None is skipped."""
    index: dict[tuple[Any, str], int] = {}
    series_of_cell = np.fromiter(
        (-1 if key[0] is None else index.setdefault(key, len(index)) for key in keys),
        dtype=np.int64,
        count=len(cells.kinds),
    )
    series = series_of_cell[cells.cell_index]
    kept = series >= 0
    counts = np.zeros((len(index), width), dtype=np.int64)
    np.add.at(counts, (series[kept], cells.columns[kept]), cells.totals[kept])
    return list(index), counts


def _grid_codes(ids: set[int]) -> dict[int, str]:
    return dict(Grid.objects.filter(pk__in=ids).values_list("pk", "code"))


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
