"""A random history of matters over the mini city, written straight to the source tables
(matter, dispute, criminal case, service application), for the count-table tests."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from tests.org.mini_city import MiniCity
from zhengfa.disputes.models import Dispute, DisputeCategory
from zhengfa.flow.models import Clock, Matter
from zhengfa.org.models import Unit, UnitKind
from zhengfa.police.models import MAJOR_TYPES, CrimeType, CriminalCase
from zhengfa.portal.models import Application, ServiceItem

TODAY = date(2026, 6, 15)
START = datetime(2025, 1, 1, tzinfo=UTC)
# A matter's limit (``insight.measures.limit_at``) in plain SQL over ``flow_matter m``:
# a closed matter's latest overall clock's due instant, else its due_at; an open one's
# due_at, else the overall clock's.
_OVERALL_SQL = (
    "(SELECT c.due_at FROM flow_clock c WHERE c.matter_id = m.id "
    "AND c.purpose = 'overall' ORDER BY c.id DESC LIMIT 1)"
)
LIMIT_SQL = (
    f"(CASE WHEN m.closed_at IS NOT NULL THEN COALESCE({_OVERALL_SQL}, m.due_at) "
    f"ELSE COALESCE(m.due_at, {_OVERALL_SQL}) END)"
)
KINDS = ("court_civil_first", "dispute", "hazard", "criminal_case", "portal_service")


@dataclass
class World:
    city: MiniCity
    rng: random.Random
    matters: list[Matter]


def _unit_for(kind: str, county: str, city: MiniCity) -> Unit:
    if kind.startswith("court_"):
        return city.courts[county]
    if kind == "criminal_case":
        return Unit.objects.get(code=f"{county}-PCS")
    if kind == "dispute":
        return Unit.objects.filter(
            kind=UnitKind.MEDIATION_COMMITTEE, region__code__startswith=county
        ).first()  # type: ignore[return-value]
    return city.centres[county]


def _instant(rng: random.Random) -> datetime:
    return START + timedelta(minutes=rng.randrange(0, 560 * 24 * 60))


def add_matter(world: World, county: str | None = None) -> Matter:
    rng, city = world.rng, world.city
    county = county or rng.choice(list(city.grids))
    kind = rng.choice(KINDS)
    grid = None if kind.startswith("court_") else rng.choice(city.grids[county])
    opened = _instant(rng)
    due = opened + timedelta(days=rng.randrange(1, 120))
    matter = Matter.objects.create(
        kind=kind,
        title=f"{kind} {len(world.matters)}",
        region_id=grid.region_id if grid else county,
        grid=grid,
        unit=_unit_for(kind, county, city),
        stage="handling",
        opened_at=opened,
        due_at=due if rng.random() < 0.9 else None,
        due_on=(due + timedelta(hours=8)).date(),
        paused=rng.random() < 0.1,
    )
    _add_detail(world, matter)
    world.matters.append(matter)
    return matter


def _add_detail(world: World, matter: Matter) -> None:
    rng = world.rng
    if matter.kind == "dispute":
        Dispute.objects.create(
            matter=matter,
            category=rng.choice(list(DisputeCategory.objects.all())),
            severity="general",
            description="d",
            channel="grid",
            reported_at=matter.opened_at,
        )
    elif matter.kind == "criminal_case":
        crime = rng.choice(list(CrimeType))
        CriminalCase.objects.create(
            matter=matter,
            crime_type=crime,
            major=crime in MAJOR_TYPES,
            registered_on=(matter.opened_at + timedelta(hours=8)).date(),
        )
    elif matter.kind == "portal_service":
        Application.objects.create(
            matter=matter,
            item=rng.choice(list(ServiceItem.objects.all()[:5])),
            receipt=f"R{matter.pk}",
            channel="online",
            submitted_at=matter.opened_at,
        )


def change_matter(world: World, matter: Matter) -> None:
    """Close, re-open, pause, move, or record a domain outcome, at random."""
    rng = world.rng
    choice = rng.randrange(5)
    if choice == 0 and matter.status == "open":
        closed = matter.opened_at + timedelta(days=rng.randrange(0, 150))
        Matter.objects.filter(pk=matter.pk).update(status="closed", closed_at=closed)
        _close_detail(world, matter, closed)
    elif choice == 1:
        Matter.objects.filter(pk=matter.pk).update(status="open", closed_at=None)
    elif choice == 2:
        Matter.objects.filter(pk=matter.pk).update(paused=not matter.paused)
    elif choice == 3 and matter.grid_id is not None:
        county = matter.region_id[:6]
        grid = rng.choice(world.city.grids[county])
        Matter.objects.filter(pk=matter.pk).update(grid=grid, region_id=grid.region_id)
    else:
        Matter.objects.filter(pk=matter.pk).update(
            due_on=TODAY + timedelta(days=rng.randrange(-30, 30))
        )
    matter.refresh_from_db()


def _close_detail(world: World, matter: Matter, closed: datetime) -> None:
    rng = world.rng
    if matter.kind == "dispute":
        outcome = rng.choice(["agreement", "partial", "failed"])
        Dispute.objects.filter(pk=matter.pk).update(outcome=outcome, outcome_at=closed)
    elif matter.kind == "criminal_case":
        CriminalCase.objects.filter(pk=matter.pk).update(
            solved_on=(closed + timedelta(hours=8)).date()
        )
    elif matter.kind == "portal_service":
        within = matter.due_at is None or closed <= matter.due_at
        Application.objects.filter(pk=matter.pk).update(
            status="done", done_at=closed, within_limit=within
        )


def build_world(city: MiniCity, *, seed: int = 7, matters: int = 60, changes: int = 40) -> World:
    world = World(city=city, rng=random.Random(seed), matters=[])
    for _ in range(matters):
        add_matter(world)
    for _ in range(changes):
        change_matter(world, world.rng.choice(world.matters))
    return world


def move_limits_to_clocks(count: int) -> None:
    """As flow leaves closed court cases: the limit only in the matter's overall clock,
    after a superseded earlier overall clock that must not count (a transfer's). The
    clock's limit is a week later than the due_at it replaces, so a case closed in that
    week is within its (extended) limit only by the clock."""
    closed = Matter.objects.filter(status="closed", due_at__isnull=False).order_by("pk")
    for matter in closed[:count]:
        due = matter.due_at
        assert due is not None
        for n, at in enumerate((due - timedelta(days=30), due + timedelta(days=7))):
            Clock.objects.create(
                matter=matter,
                purpose="overall",
                label=f"审限 {n}",
                started_on=matter.opened_at.date(),
                started_at=matter.opened_at,
                state="stopped",
                due_on=at.date(),
                due_at=at,
                stopped_at=matter.closed_at,
            )
        Matter.objects.filter(pk=matter.pk).update(due_at=None)
