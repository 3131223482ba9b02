"""Three years of demo campaigns and hazards for the demo city, with seasonal patterns.

Every county runs the five campaigns each year in their season: fire safety in the heating
winter (November to February, peaking in the coldest months), road traffic over the
Spring Festival travel rush and the summer, campus surroundings at the two term starts
(late February, late August), parcel logistics after the November sales, hazardous and
explosive materials in spring ahead of the June safety month. Urban communities (many
small grids) find more fire and campus hazards, rural villages more traffic hazards.
Rates are synthetic.

History is written in bulk and closed (matters, hazards): a closed matter has no running
clock, so nothing is computed that the legal clock would compute differently. The history
ends with an open tail, as a real city's does: a hazard of the last ``TAIL_DAYS`` whose
rectification would end after now is still rectifying, and a few percent of them are
simply late (more in some townships than others, ``LATE_SHARES``). Their rectification
clocks are started by the flow engine's ``clock_start`` at the instant they were found, so
their due dates are the legal clock's, and the sweeper runs once at the end of the build
to record the warnings and overdue accountability it would have recorded on the way.
The hazards open today are found through the services — an inspection in the demo
township — so every live clock is the legal clock's (a major one is due by 23:59 today).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import numpy as np

from zhengfa.audit.services import audit_record
from zhengfa.clock.clock import SHANGHAI
from zhengfa.flow.common import legal_day, now
from zhengfa.flow.models import (
    Holding,
    Matter,
    MatterEvent,
    MatterEventKind,
    MatterStatus,
    Participant,
)
from zhengfa.flow.services.clockops import clock_start
from zhengfa.flow.sweeper import sweep_batch
from zhengfa.hazards.flows import CLOSED, HAZARD_KIND, RECTIFY_CLOCK, RECTIFYING
from zhengfa.hazards.limits import rectification_deadline
from zhengfa.hazards.models import (
    Campaign,
    CampaignTheme,
    ChecklistItem,
    CheckResult,
    Hazard,
    Rectification,
    Verification,
)
from zhengfa.org.geo import polygon_from_geojson
from zhengfa.org.models import Grid, Region, RegionLevel, Unit, UnitKind, User
from zhengfa.org.roles import Role

YEARS = 3
DEMO_TOWNSHIP = "230402001"
OPEN_NOW = 12  # inspections with a finding, today, in the demo township
SEVERITIES = ("general", "serious", "major")
SEVERITY_P = (0.70, 0.22, 0.08)
# Days to rectify, by severity: a major hazard the same day.
TOOK_DAYS = {"general": (1, 7), "serious": (1, 3), "major": (0, 0)}
TAIL_DAYS = 56  # the open tail: hazards found in the last eight weeks may still be open
# Share of a township's tail hazards left unrectified past their deadline, and how often
# a township has that share: most are diligent, a few fall behind.
LATE_SHARES = ((0.0, 0.02, 0.06, 0.15, 0.35), (0.3, 0.3, 0.2, 0.12, 0.08))


@dataclass(frozen=True)
class Season:
    """When a theme's campaign runs (month, day) → (month, day), possibly across new year,
    hazards per grid per month, month weights inside it, and the urban factor."""

    name: str
    start: tuple[int, int]
    end: tuple[int, int]
    per_grid_month: float
    weights: dict[int, float]
    urban: float


SEASONS: dict[str, tuple[Season, ...]] = {
    "fire": (
        Season("冬季消防安全专项行动", (11, 1), (2, 28), 0.12, {12: 1.4, 1: 1.5, 2: 1.1}, 1.5),
    ),
    "traffic": (
        Season("春运道路交通安全专项行动", (1, 10), (2, 25), 0.10, {2: 1.3}, 0.7),
        Season("暑期道路交通安全专项行动", (7, 1), (8, 31), 0.08, {8: 1.2}, 0.7),
    ),
    "campus": (
        Season("春季开学校园周边安全专项行动", (2, 20), (3, 20), 0.09, {3: 1.2}, 1.6),
        Season("秋季开学校园周边安全专项行动", (8, 25), (9, 25), 0.11, {9: 1.3}, 1.6),
    ),
    "logistics": (Season("寄递物流安全专项行动", (11, 1), (12, 15), 0.07, {11: 1.4}, 1.4),),
    "hazmat": (Season("危爆物品安全专项行动", (4, 1), (6, 30), 0.05, {6: 1.3}, 0.6),),
}


@dataclass(frozen=True)
class County:
    code: str
    centre: Unit
    townships: list[Unit]  # the townships' governance centres
    grids: list[Grid]
    urban: set[int]  # ids of grids of urban communities (many small grids)
    owners: dict[int, User | None]  # unit id -> the centre operator owning its hazards
    points: dict[int, tuple[float, float]]  # grid id -> a point inside it
    late: dict[str, float]  # township code -> share of its tail hazards left late


def inside(grid: Grid) -> tuple[float, float]:
    """A point surely inside the grid (a concave grid's centroid may lie outside it)."""
    point = polygon_from_geojson(grid.geometry).representative_point()
    return point.x, point.y


def build_demo_hazards(seed: int, progress: Any) -> dict[str, int]:
    """The demo history; returns the counts for the demo build's summary."""
    rng = np.random.default_rng([seed, 7])
    counties = _counties(np.random.default_rng([seed, 7, 1]))
    if not counties:
        return {}
    themes = {t.code: t for t in CampaignTheme.objects.all()}
    today = legal_day()
    runs = [run for run in _runs(today) if run[0] in themes]  # an admin may retire a theme
    progress.stage("专项行动与隐患历史 campaigns and hazards", len(runs) * len(counties))
    campaigns = hazards = 0
    for theme_code, season, starts, ends in runs:
        for county in counties:
            campaign = _campaign(themes[theme_code], season, county, starts, ends)
            hazards += _history(rng, campaign, county, season, min(ends, today - timedelta(1)))
            campaigns += 1
            progress.advance()
    opened = _open_now(rng, counties, themes, today)
    swept = _sweep_once()
    audit_record(
        actor=None,
        action="hazards.demo_build",
        new={
            "seed": seed,
            "campaigns": campaigns,
            "hazards": hazards,
            "open": opened,
            "swept_clocks": swept,
        },
    )
    return {"campaigns": campaigns, "hazards": hazards + opened}


def _runs(today: date) -> list[tuple[str, Season, date, date]]:
    """Every campaign of the last three years that has started by today."""
    runs = []
    for year in range(today.year - YEARS, today.year + 1):
        for code, seasons in SEASONS.items():
            for season in seasons:
                starts = date(year, *season.start)
                end_year = year + 1 if season.end < season.start else year
                ends = _day(end_year, *season.end)
                if starts <= today and ends >= today - timedelta(days=YEARS * 365):
                    runs.append((code, season, starts, ends))
    return runs


def _day(year: int, month: int, day: int) -> date:
    """(2, 28) stays the last day of February in a leap year too."""
    if (month, day) == (2, 28):
        return date(year, 3, 1) - timedelta(days=1)
    return date(year, month, day)


def _sweep_once() -> int:
    """What the sweeper would have recorded on the open tail's clocks by now (warnings,
    overdue accountability), batch after batch; returns the clocks it acted on."""
    moment, swept = now(), 0
    while True:
        done = sweep_batch(at=moment)
        swept += done.clocks
        if done.clocks == 0:
            return swept


def _late_shares(rng: np.random.Generator, townships: list[Unit]) -> dict[str, float]:
    shares, weights = LATE_SHARES
    drawn = rng.choice(shares, p=weights, size=len(townships))
    return {u.region_id: float(share) for u, share in zip(townships, drawn, strict=True)}


def _counties(rng: np.random.Generator) -> list[County]:
    grids: dict[str, list[Grid]] = defaultdict(list)
    for grid in Grid.objects.filter(is_demo=True):
        grids[grid.region_id[:6]].append(grid)
    per_village: defaultdict[str, int] = defaultdict(int)
    for county_grids in grids.values():
        for grid in county_grids:
            per_village[grid.region_id] += 1
    centres = {u.region_id: u for u in Unit.objects.filter(kind=UnitKind.GOVERNANCE_CENTRE)}
    operators = _operators()
    counties = []
    for region in Region.objects.filter(level=RegionLevel.COUNTY, code__in=list(grids)):
        townships = [u for code, u in centres.items() if len(code) == 9 and code[:6] == region.code]
        if region.code not in centres or not townships:
            continue
        urban = {g.pk for g in grids[region.code] if per_village[g.region_id] >= 8}
        owners = {u.pk: operators.get(u.pk) for u in townships}
        points = {g.pk: inside(g) for g in grids[region.code]}
        counties.append(
            County(
                region.code,
                centres[region.code],
                townships,
                grids[region.code],
                urban,
                owners,
                points,
                _late_shares(rng, townships),
            )
        )
    return counties


def _operators() -> dict[int, User]:
    found: dict[int, User] = {}
    for user in User.objects.filter(role=Role.CENTRE_OPERATOR, is_active=True).order_by("-pk"):
        if user.unit_id is not None:
            found[user.unit_id] = user  # the lowest pk wins, as in places.responsible_person
    return found


def _campaign(
    theme: CampaignTheme, season: Season, county: County, starts: date, ends: date
) -> Campaign:
    campaign = Campaign.objects.create(
        theme=theme,
        name=f"{starts.year}年{season.name}",
        region_id=county.code,
        starts_on=starts,
        ends_on=ends,
        lead_unit=county.centre,
        created_at=datetime.combine(starts - timedelta(days=7), time(9), tzinfo=SHANGHAI),
        is_demo=True,
    )
    campaign.units.set([county.centre, *county.townships])
    ChecklistItem.objects.bulk_create(
        ChecklistItem(campaign=campaign, order=n, text=text)
        for n, text in enumerate(theme.default_items)
    )
    return campaign


def _history(
    rng: np.random.Generator, campaign: Campaign, county: County, season: Season, last: date
) -> int:
    """Closed hazards found in the campaign up to ``last``, month by month."""
    townships = {u.region_id: u for u in county.townships}
    base = np.array([season.urban if g.pk in county.urban else 1.0 for g in county.grids]) * (
        season.per_grid_month / 30
    )
    matters: list[Matter] = []
    plans: list[tuple[Grid, str]] = []
    today = legal_day()
    day = campaign.starts_on
    while day <= last:
        counts = rng.poisson(base * season.weights.get(day.month, 1.0))
        found = np.repeat(np.arange(len(county.grids)), counts)
        severities = rng.choice(SEVERITIES, p=SEVERITY_P, size=len(found))
        for index, severity in zip(found, severities, strict=True):
            grid = county.grids[int(index)]
            unit = townships.get(grid.region_id[:9], county.centre)
            tail = (today - day).days < TAIL_DAYS
            matters.append(
                _history_matter(rng, campaign, grid, unit, county, day, str(severity), tail)
            )
            plans.append((grid, str(severity)))
        day += timedelta(days=1)
    created = Matter.objects.bulk_create(matters, batch_size=1000)
    hazards = Hazard.objects.bulk_create(
        (
            Hazard(
                matter=matter,
                campaign=campaign,
                severity=severity,
                description="演示数据 demo hazard",
                responsible_party="演示场所 demo site",
                lon=county.points[grid.pk][0],
                lat=county.points[grid.pk][1],
                found_by_id=grid.worker_id,
                found_at=matter.opened_at,
                is_demo=True,
            )
            for matter, (grid, severity) in zip(created, plans, strict=True)
        ),
        batch_size=1000,
    )
    _rectified(hazards)
    _still_open([h for h in hazards if h.matter.status == MatterStatus.OPEN])
    return len(created)


def _still_open(hazards: list[Hazard]) -> None:
    """The open tail: who holds and takes part in each matter, as ``matter_open`` records,
    and the rectification clock from the instant the hazard was found."""
    matters = [h.matter for h in hazards]
    MatterEvent.objects.bulk_create(
        MatterEvent(matter=m, kind=MatterEventKind.OPENED, at=m.opened_at, to_stage=m.stage)
        for m in matters
    )
    Holding.objects.bulk_create(
        Holding(matter=m, holder_id=m.owner_id, since=m.opened_at)
        for m in matters
        if m.owner_id is not None
    )
    Participant.objects.bulk_create(
        Participant(matter=h.matter, user_id=h.found_by_id)
        for h in hazards
        if h.found_by_id is not None
    )
    for hazard in hazards:
        deadline = rectification_deadline(hazard.severity, hazard.found_at)
        clock_start(
            actor=None,
            matter=hazard.matter,
            purpose=RECTIFY_CLOCK,
            label=deadline.label,
            period=deadline.period,
            at=hazard.found_at,
            legal_basis=deadline.legal_basis,
        )


def _rectified(hazards: list[Hazard]) -> None:
    """The grid worker rectified it (with the responsible party), the owner verified it: the
    verifier is never the rectifier. Hazards without both people keep no such rows."""
    pairs = [pair for pair in map(_pair, hazards) if pair is not None]
    rows = Rectification.objects.bulk_create([r for r, _ in pairs], batch_size=1000)
    for row, (_, verification) in zip(rows, pairs, strict=True):
        verification.rectification = row
    Verification.objects.bulk_create([v for _, v in pairs], batch_size=1000)


def _pair(hazard: Hazard) -> tuple[Rectification, Verification] | None:
    rectifier, owner = hazard.found_by_id, hazard.matter.owner_id
    closed = hazard.matter.closed_at
    if rectifier is None or owner is None or closed is None or rectifier == owner:
        return None
    done = Rectification(
        hazard=hazard, by_id=rectifier, at=closed, measures="演示数据：已整改 demo rectification"
    )
    return done, Verification(hazard=hazard, by_id=owner, at=closed, passed=True)


def _history_matter(
    rng: np.random.Generator,
    campaign: Campaign,
    grid: Grid,
    unit: Unit,
    county: County,
    day: date,
    severity: str,
    tail: bool,
) -> Matter:
    """Closed once rectified — unless, in the tail, rectification ends after now or the
    township let it run late (then it is still rectifying)."""
    found = datetime.combine(
        day, time(int(rng.integers(8, 17)), int(rng.integers(60))), tzinfo=SHANGHAI
    )
    low, high = TOOK_DAYS[severity]
    took = timedelta(days=int(rng.integers(low, high + 1)), hours=int(rng.integers(1, 6)))
    late = tail and rng.random() < county.late.get(grid.region_id[:9], 0.0)
    still_open = tail and (late or found + took > now())
    return Matter(
        kind=HAZARD_KIND,
        title=f"{campaign.theme.name}: 演示隐患 {grid.code}",
        region_id=grid.region_id,
        grid=grid,
        unit=unit,
        owner=county.owners.get(unit.pk),
        stage=RECTIFYING if still_open else CLOSED,
        status=MatterStatus.OPEN if still_open else MatterStatus.CLOSED,
        opened_at=found,
        closed_at=None if still_open else found + took,
    )


def _open_now(
    rng: np.random.Generator, counties: list[County], themes: dict[str, CampaignTheme], today: date
) -> int:
    """Hazards open today in the demo township, found through the services."""
    from zhengfa.hazards.services.inspections import (
        CheckInput,
        FindingInput,
        inspection_record,
    )

    county = next((c for c in counties if DEMO_TOWNSHIP.startswith(c.code)), None)
    if county is None:
        return 0
    campaign = _current_campaign(county, themes, today)
    if campaign is None:
        return 0
    items = list(campaign.items.all())
    grids = [g for g in county.grids if g.region_id.startswith(DEMO_TOWNSHIP) and g.worker_id]
    opened = 0
    for n, grid in enumerate(grids[:OPEN_NOW]):
        severity = SEVERITIES[2] if n % 4 == 0 else SEVERITIES[n % 2]
        hazard_item = items[n % len(items)]
        inspection_record(
            actor=User.objects.get(pk=grid.worker_id),
            campaign=campaign,
            grid_code=grid.code,
            site=f"演示场所{n + 1}号 demo site",
            checks=[
                CheckInput(i.pk, CheckResult.HAZARD if i == hazard_item else CheckResult.OK)
                for i in items
            ],
            findings=[
                FindingInput(
                    severity=severity,
                    description=f"演示数据：{hazard_item.text}未落实 demo finding",
                    responsible_party=f"演示场所{n + 1}号 demo site",
                    lon=county.points[grid.pk][0],
                    lat=county.points[grid.pk][1],
                    item=hazard_item.pk,
                )
            ],
        )
        opened += 1
    return opened


def _current_campaign(
    county: County, themes: dict[str, CampaignTheme], today: date
) -> Campaign | None:
    """The county's campaign under way today (fire in winter, …), or a standing one."""
    current = (
        Campaign.objects.filter(region_id=county.code, starts_on__lte=today, ends_on__gte=today)
        .order_by("-starts_on", "theme__order")
        .first()
    )
    if current is not None or not themes:
        return current
    season = Season("日常隐患排查", (1, 1), (12, 31), 0.0, {}, 1.0)
    end = today + timedelta(days=30)
    theme = themes.get("traffic") or next(iter(themes.values()))
    return _campaign(theme, season, county, today - timedelta(days=1), end)
