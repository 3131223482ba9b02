"""The one map (一张图): per-area measures over the matters a user may see.

Reads only; every query goes through ``for_user``. An *area* is a grid (网格, keyed by its
code), a township (乡镇街道, the first 9 digits of a region code) or a county (县区, the
first 6). A matter counts in a grid when it names the grid, and in a township or county
when its region code lies under it; court cases carry the court's county, so they appear
at county level only. Letters and visits (信访) are never mapped: the one map is a map of
matters handled, not of people who complain.
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.db.models import Count, DateField, F, Q, QuerySet, Sum
from django.db.models.functions import Length, Substr, TruncWeek

from zhengfa.api import ProblemError
from zhengfa.flow.machine import KINDS
from zhengfa.flow.models import Matter, MatterStatus
from zhengfa.insight.counts import WeeklyCounts
from zhengfa.insight.trends import DetectorSettings, InsufficientHistory, detect
from zhengfa.insight.weeks import format_week
from zhengfa.org.models import Grid
from zhengfa.org.scoping import Scope

LEGAL_ZONE = ZoneInfo("Asia/Shanghai")
UNMAPPED_KINDS = frozenset({"petition"})  # 信访: never counted on the map or in confluence
HAZARD_KIND = "hazard"
DISPUTE_KIND = "dispute"
DEFAULT_RATE_DAYS = 365  # disputes per 1,000 residents: over the last year unless a range is given
TREND_HISTORY_WEEKS = 5 * 53  # the detector looks back at most five years
QUANTILE_CLASSES = 5
LIST_LIMIT = 200
TREND_CACHE_SECONDS = 3600

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
    return datetime.combine(day, time.min, tzinfo=LEGAL_ZONE)


def mapped_matters(user: Any, query: MapQuery, at: datetime) -> QuerySet[Matter]:
    """The matters in the user's scope that count towards ``query`` (before grouping)."""
    matters = Matter.objects.for_user(user).exclude(kind__in=UNMAPPED_KINDS)
    if query.kind:
        matters = matters.filter(kind=query.kind)
    since = query.since
    if query.measure is Measure.DISPUTES_PER_1000 and since is None:
        since = (at - timedelta(days=DEFAULT_RATE_DAYS)).astimezone(LEGAL_ZONE).date()
    if since:
        matters = matters.filter(opened_at__gte=_start_of(since))
    if query.until:
        matters = matters.filter(opened_at__lt=_start_of(query.until + timedelta(days=1)))
    return matters.filter(_measure_condition(query.measure, at))


def _measure_condition(measure: Measure, at: datetime) -> Q:
    if measure is Measure.OPEN:
        return Q(status=MatterStatus.OPEN)
    if measure is Measure.OVERDUE:
        return Q(status=MatterStatus.OPEN, paused=False, due_at__lt=at)
    if measure is Measure.HAZARDS_OPEN:
        return Q(status=MatterStatus.OPEN, kind=HAZARD_KIND)
    if measure is Measure.DISPUTES_PER_1000:
        return Q(kind=DISPUTE_KIND)
    return Q()  # trend alerts: every matter opened, counted per week


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


def area_counts(matters: QuerySet[Matter], level: Level) -> dict[str, int]:
    """One GROUP BY: number of matters per area."""
    rows = with_area(matters, level).values("area").annotate(n=Count("pk")).values_list("area", "n")
    return {area: n for area, n in rows}


# --------------------------------------------------------------------------- measures


def area_measures(user: Any, query: MapQuery, at: datetime) -> AreaMeasures:
    """The measure per area for the user's scope at instant ``at``."""
    if query.measure is Measure.TREND_ALERTS:
        alerts, week = trend_alert_counts(user, query, at)
        return AreaMeasures(query, alerts, quantile_breaks(alerts.values()), week)
    counts = area_counts(mapped_matters(user, query, at), query.level)
    values: dict[str, float] = dict(counts)
    if query.measure is Measure.DISPUTES_PER_1000:
        values = per_thousand(counts, area_population(user, query.level))
    return AreaMeasures(query, values, quantile_breaks(values.values()))


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
    day = query.until + timedelta(days=1) if query.until else at.astimezone(LEGAL_ZONE).date()
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
        .annotate(week=TruncWeek("opened_at", output_field=DateField(), tzinfo=LEGAL_ZONE))
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


def trend_alert_counts(user: Any, query: MapQuery, at: datetime) -> tuple[dict[str, float], str]:
    """Per area, how many of its series alert in the tested week (``insight.trends``).

    Townships and counties test one series per kind of matter, so the value is the number
    of kinds rising together; grids test one series each (all kinds, or the chosen kind),
    which keeps the detector to ~3,400 series (fitting kind × grid, ~14,000 series, takes
    half a minute here). A result is kept for an hour per scope, query and week.
    """
    week = tested_week(query, at)
    key = f"insight-map-trends:{scope_key(user)}:{query.level}:{query.kind}:{week}"
    cached: tuple[dict[str, float], str] | None = cache.get(key)
    if cached is None:
        cached = _detected_alerts(user, query, week, at)
        cache.set(key, cached, TREND_CACHE_SECONDS)
    return cached


def _detected_alerts(
    user: Any, query: MapQuery, week: date, at: datetime
) -> tuple[dict[str, float], str]:
    matters = mapped_matters(user, MapQuery(Measure.TREND_ALERTS, query.level, query.kind), at)
    series_of = None if query.level is Level.GRID else "kind"
    data = weekly_area_counts(matters, query.level, series_of, week)
    label = format_week(week)
    if data is None:
        return {}, label
    try:
        detection = detect(data, week, DetectorSettings())
    except InsufficientHistory:
        return {}, label
    values: dict[str, float] = defaultdict(float)
    for alert in detection.alerts:
        values[alert.series.split("|", 1)[0]] += 1
    return dict(values), label


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
        matters = matters.filter(region_id__startswith=area[: CODE_LENGTH[query.level]])
    return matters.select_related("unit").order_by("-opened_at", "-pk")
