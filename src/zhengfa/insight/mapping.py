"""The one map (一张图): per-area measures over the matters a user may see.

Reads only; every query goes through ``for_user``. An *area* is a grid (网格, keyed by its
code), a township (乡镇街道, the first 9 digits of a region code) or a county (县区, the
first 6). A matter counts in a grid when it names the grid, and in a township or county
when its region code lies under it; court cases carry the court's county, so they appear
at county level only. Letters and visits (信访) are never mapped: the one map is a map of
matters handled, not of people who complain.

The values come from the count tables (``insight.aggregates``) and the stored weekly
detection runs (``insight.alerts``), so a map request never reads the matter table; only
the list behind one area (at most ``LIST_LIMIT`` rows) and the confluence series
(``insight.confluence``, cached) read matters.
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any, TypeVar

from django.db.models import Count, DateField, F, Q, QuerySet, Sum
from django.db.models.functions import Length, Substr, TruncWeek

from zhengfa.api import ProblemError
from zhengfa.clock.clock import SHANGHAI
from zhengfa.flow.machine import KINDS
from zhengfa.flow.models import Matter, MatterStatus
from zhengfa.insight.aggregates import measure_by
from zhengfa.insight.alerts.models import DetectionRun, TrendAlert
from zhengfa.insight.counts import WeeklyCounts
from zhengfa.insight.weeks import format_week
from zhengfa.org.models import Grid
from zhengfa.org.scoping import Scope

UNMAPPED_KINDS = frozenset({"petition"})  # 信访: never counted on the map or in confluence
HAZARD_KIND = "hazard"
DISPUTE_KIND = "dispute"
DEFAULT_RATE_DAYS = 365  # disputes per 1,000 residents: over the last year unless a range is given
TREND_HISTORY_WEEKS = 5 * 53  # the detector looks back at most five years
QUANTILE_CLASSES = 5
LIST_LIMIT = 200

E = TypeVar("E", bound=StrEnum)


class Measure(StrEnum):
    OPEN = "open"
    OVERDUE = "overdue"
    HAZARDS_OPEN = "hazards_open"
    DISPUTES_PER_1000 = "disputes_per_1000"
    TREND_ALERTS = "trend_alerts"


class Level(StrEnum):
    GRID = "grid"
    TOWNSHIP = "township"
    COUNTY = "county"


CODE_LENGTH = {Level.TOWNSHIP: 9, Level.COUNTY: 6}


@dataclass(frozen=True)
class MapQuery:
    """What to colour the map by: a measure at a level, for one kind and a time range."""

    measure: Measure
    level: Level = Level.GRID
    kind: str | None = None
    since: date | None = None
    until: date | None = None


@dataclass(frozen=True)
class AreaMeasures:
    """The measure per area code (areas with nothing are left out) and its class breaks."""

    query: MapQuery
    values: dict[str, float]
    breaks: list[float]
    week: str | None = None  # the ISO week tested, for trend alerts

    def as_dict(self) -> dict[str, Any]:
        return {
            "measure": str(self.query.measure),
            "level": str(self.query.level),
            "kind": self.query.kind,
            "since": self.query.since.isoformat() if self.query.since else None,
            "until": self.query.until.isoformat() if self.query.until else None,
            "week": self.week,
            "values": self.values,
            "breaks": self.breaks,
        }


# --------------------------------------------------------------------------- input


def mapped_kinds() -> dict[str, str]:
    """Kind code → label of every kind of matter the map may be filtered by."""
    return {code: kind.label for code, kind in sorted(KINDS.items()) if code not in UNMAPPED_KINDS}


def parse_map_query(
    *,
    measure: str,
    level: str = Level.GRID,
    kind: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> MapQuery:
    """A checked :class:`MapQuery`; every bad field is named in one 422 problem."""
    errors: list[dict[str, str]] = []
    chosen_measure = _choice(Measure, measure, "measure", errors)
    chosen_level = _choice(Level, level, "level", errors)
    if kind and kind not in mapped_kinds():
        accepted = ", ".join(mapped_kinds())
        errors.append({"field": "kind", "message": f"Unknown kind {kind!r}; accepted: {accepted}."})
    first = _date(since, "since", errors)
    last = _date(until, "until", errors)
    if first and last and first > last:
        errors.append({"field": "until", "message": f"until {last} is before since {first}."})
    if errors:
        raise ProblemError(422, "Invalid input", "Some fields are not valid.", errors)
    assert chosen_measure is not None and chosen_level is not None  # noqa: S101 (errors empty)
    return MapQuery(chosen_measure, chosen_level, kind or None, first, last)


def _choice(enum: type[E], value: str, field: str, errors: list[dict[str, str]]) -> E | None:
    try:
        return enum(value)
    except ValueError:
        accepted = ", ".join(member.value for member in enum)
        errors.append(
            {"field": field, "message": f"Unknown {field} {value!r}; accepted: {accepted}."}
        )
        return None


def _date(text: str | None, field: str, errors: list[dict[str, str]]) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors.append({"field": field, "message": f"{text!r} is not a date YYYY-MM-DD."})
        return None


# --------------------------------------------------------------------------- matters


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=SHANGHAI)


def legal_date(at: datetime) -> date:
    return at.astimezone(SHANGHAI).date()


def effective_query(query: MapQuery, at: datetime) -> MapQuery:
    """The query as applied: snapshot measures (open now) ignore dates; the dispute rate
    defaults to the last year; trend alerts look at the tested week."""
    if query.measure is Measure.DISPUTES_PER_1000:
        since = query.since or legal_date(at) - timedelta(days=DEFAULT_RATE_DAYS)
        return replace(query, since=since)
    if query.measure is Measure.TREND_ALERTS:
        week = tested_week(query, at)
        return replace(query, since=week, until=week + timedelta(days=6))
    return replace(query, since=None, until=None)


def mapped_matters(user: Any, query: MapQuery, at: datetime) -> QuerySet[Matter]:
    """The matters in the user's scope behind ``query``'s values (for the area lists)."""
    applied = effective_query(query, at)
    matters = Matter.objects.for_user(user).exclude(kind__in=UNMAPPED_KINDS)
    if query.kind:
        matters = matters.filter(kind=query.kind)
    if applied.since:
        matters = matters.filter(opened_at__gte=_start_of(applied.since))
    if applied.until:
        matters = matters.filter(opened_at__lt=_start_of(applied.until + timedelta(days=1)))
    return matters.filter(_measure_condition(query.measure, at))


def _measure_condition(measure: Measure, at: datetime) -> Q:
    """The same conditions as the count tables (``insight.measures``)."""
    if measure is Measure.OPEN:
        return Q(status=MatterStatus.OPEN)
    if measure is Measure.OVERDUE:
        return Q(status=MatterStatus.OPEN, paused=False, due_on__lt=legal_date(at))
    if measure is Measure.HAZARDS_OPEN:
        return Q(status=MatterStatus.OPEN, kind=HAZARD_KIND)
    if measure is Measure.DISPUTES_PER_1000:
        return Q(kind=DISPUTE_KIND)
    return Q()  # trend alerts: the matters opened in the tested week


def with_area(matters: QuerySet[Matter], level: Level) -> QuerySet[Any]:
    """Annotate ``area`` (grid code, township or county code); drop matters above the level."""
    if level is Level.GRID:
        return matters.filter(grid__isnull=False).annotate(area=F("grid__code"))
    length = CODE_LENGTH[level]
    return (
        matters.annotate(code_length=Length("region_id"))
        .filter(code_length__gte=length)
        .annotate(area=Substr("region_id", 1, length))
    )


# --------------------------------------------------------------------------- measures


# Map measure → (count-table measure, the kind it is fixed to).
COUNT_TABLE_MEASURES = {
    Measure.OPEN: ("open", None),
    Measure.OVERDUE: ("overdue", None),
    Measure.HAZARDS_OPEN: ("open", HAZARD_KIND),
    Measure.DISPUTES_PER_1000: ("opened", DISPUTE_KIND),
}


def area_measures(user: Any, query: MapQuery, at: datetime) -> AreaMeasures:
    """The measure per area for the user's scope at instant ``at``; reads the count tables
    (``insight.aggregates``) or the stored weekly detection, never the matter table."""
    applied = effective_query(query, at)
    if query.measure is Measure.TREND_ALERTS:
        alerts, week = stored_alert_counts(user, applied)
        return AreaMeasures(applied, alerts, quantile_breaks(alerts.values()), week)
    counts = area_counts(user, applied, at)
    values: dict[str, float] = dict(counts)
    if query.measure is Measure.DISPUTES_PER_1000:
        values = per_thousand(counts, area_population(user, query.level))
    return AreaMeasures(applied, values, quantile_breaks(values.values()))


def area_counts(user: Any, query: MapQuery, at: datetime) -> dict[str, int]:
    """Count-table cells summed per area (one query, plus one for grid codes)."""
    measure, fixed_kind = COUNT_TABLE_MEASURES[query.measure]
    if fixed_kind and query.kind not in (None, fixed_kind):
        return {}
    kinds = fixed_kind or query.kind or tuple(mapped_kinds())
    today = legal_date(at)
    if query.level is Level.GRID:
        by_grid = measure_by(user, measure, "grid_id", kinds, query.since, query.until, today)
        by_grid.pop(None, None)
        codes = Grid.objects.for_user(user).filter(pk__in=list(by_grid)).values_list("pk", "code")
        return {code: by_grid[pk] for pk, code in codes}
    length = CODE_LENGTH[query.level]
    by_region = measure_by(user, measure, "region_code", kinds, query.since, query.until, today)
    summed: dict[str, int] = defaultdict(int)
    for region, n in by_region.items():
        if len(region) >= length:  # a court case's county does not count in a township
            summed[region[:length]] += n
    return dict(summed)


def stored_alert_counts(user: Any, query: MapQuery) -> tuple[dict[str, float], str | None]:
    """Alerts per area of the latest weekly detection run up to the tested week (the
    worker's run, ``insight.alerts``): the number of kinds rising in the area."""
    assert query.since is not None  # noqa: S101 (effective_query sets the tested week)
    run = DetectionRun.objects.filter(week__lte=query.since).order_by("-week").first()
    if run is None:
        return {}, None
    alerts = TrendAlert.objects.for_user(user).filter(run=run, area_level=query.level)
    if query.kind:
        alerts = alerts.filter(category=query.kind)
    rows = alerts.values("area_code").annotate(n=Count("pk")).values_list("area_code", "n")
    return {area: float(n) for area, n in rows}, format_week(run.week)


def area_population(user: Any, level: Level) -> dict[str, int]:
    """常住人口 per area: the grids' population summed (one GROUP BY over the grids)."""
    grids = Grid.objects.for_user(user).filter(population__isnull=False)
    if level is Level.GRID:
        return {code: people for code, people in grids.values_list("code", "population") if people}
    length = CODE_LENGTH[level]
    rows = (
        grids.annotate(area=Substr("region_id", 1, length))
        .values("area")
        .annotate(people=Sum("population"))
        .values_list("area", "people")
    )
    return {area: people for area, people in rows}


def per_thousand(counts: Mapping[str, int], population: Mapping[str, int]) -> dict[str, float]:
    """Count per 1,000 residents; areas without a population figure are left out."""
    return {
        area: round(1000 * n / population[area], 3)
        for area, n in counts.items()
        if population.get(area)
    }


def quantile_breaks(values: Iterable[float], classes: int = QUANTILE_CLASSES) -> list[float]:
    """Upper bounds of equal-count classes of the non-zero values (zero is its own class).

    The lower-median rule (value at rank ⌈k·n/classes⌉) keeps each break an observed
    value; repeated breaks are merged, so a measure with few distinct values gets fewer
    classes instead of empty ones.
    """
    ordered = sorted(v for v in values if v > 0)
    if not ordered:
        return []
    breaks: list[float] = []
    for k in range(1, classes + 1):
        rank = math.ceil(k * len(ordered) / classes) - 1
        if not breaks or ordered[rank] > breaks[-1]:
            breaks.append(ordered[rank])
    return breaks


# --------------------------------------------------------------------------- trend alerts


def tested_week(query: MapQuery, at: datetime) -> date:
    """The Monday of the last complete ISO week before ``until`` (or before ``at``)."""
    day = query.until + timedelta(days=1) if query.until else at.astimezone(SHANGHAI).date()
    this_monday = day - timedelta(days=day.weekday())
    return this_monday - timedelta(weeks=1)


def weekly_area_counts(
    matters: QuerySet[Matter], level: Level, series_of: str | None, week: date
) -> WeeklyCounts | None:
    """Weekly counts per area (× ``series_of`` field, e.g. ``kind``) up to ``week``.

    One GROUP BY; ``None`` when nothing was opened in the window.
    """
    first = week - timedelta(weeks=TREND_HISTORY_WEEKS)
    window = matters.filter(
        opened_at__gte=_start_of(first), opened_at__lt=_start_of(week + timedelta(weeks=1))
    )
    keys = ["area", series_of] if series_of else ["area"]
    rows = (
        with_area(window, level)
        .annotate(week=TruncWeek("opened_at", output_field=DateField(), tzinfo=SHANGHAI))
        .values(*keys, "week")
        .annotate(n=Count("pk"))
        .values_list(*keys, "week", "n")
    )
    cells = [("|".join(row[:-2]), row[-2], row[-1]) for row in rows]
    if not cells:
        return None
    cells.append((cells[0][0], week, 0))  # the grid of weeks always reaches the tested week
    if not any(monday == first for _, monday, _ in cells):
        cells.append((cells[0][0], first, 0))
    return WeeklyCounts.from_rows(_summed(cells))


def _summed(cells: list[tuple[str, date, int]]) -> list[tuple[str, date, int]]:
    total: dict[tuple[str, date], int] = defaultdict(int)
    for name, monday, n in cells:
        total[name, monday] += n
    return [(name, monday, n) for (name, monday), n in total.items()]


def scope_key(user: Any) -> str:
    """A short key naming what the user may see (for per-scope caches)."""
    scope = Scope.of(user)
    raw = (
        f"{scope.kind}|{scope.region_code}|{scope.unit_region_code}|{scope.unit_id}|{scope.user_id}"
    )
    return hashlib.sha256(raw.encode()).hexdigest()[:24]


# --------------------------------------------------------------------------- click-through


def area_matters(user: Any, area: str, query: MapQuery, at: datetime) -> QuerySet[Matter]:
    """The matters behind one area's value, in the user's scope, newest first."""
    matters = mapped_matters(user, query, at)
    if query.level is Level.GRID:
        matters = matters.filter(grid__code=area)
    else:  # an area code of the level's length: its prefix is the whole subtree
        matters = matters.filter(region__code__startswith=area[: CODE_LENGTH[query.level]])
    return matters.select_related("unit").order_by("-opened_at", "-pk")
