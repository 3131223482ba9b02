"""A small court system and a township for the flow engine's tests, with an outsider."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest

from zhengfa.flow import clocks as legal
from zhengfa.flow.machine import Kind, Stage, register
from zhengfa.flow.models import Clock, Matter
from zhengfa.flow.services.matters import matter_open
from zhengfa.org.models import Region, RegionLevel, Unit, UnitKind, User
from zhengfa.org.roles import Role

CIVIL = register(
    Kind(
        code="test_civil",
        label="民事一审 Civil first instance (test)",
        initial="filed",
        overall_rule="civil.first.ordinary",
        stages=(
            Stage("filed", "立案 Filed", movers=(Role.COURT_REGISTRAR,), next=("serve",)),
            Stage(
                "serve",
                "送达 Service",
                movers=(Role.JUDGE, Role.CLERK),
                limit="civil.complaint.serve",
                next=("trial",),
            ),
            Stage("trial", "审理 Trial", movers=(Role.JUDGE,), next=("closed",)),
            Stage("closed", "结案 Closed", terminal=True),
        ),
    )
)


@dataclass
class World:
    court: Unit
    other_court: Unit
    higher_court: Unit
    registrar: User
    judge: User
    clerk: User
    division_president: User
    president: User
    higher_president: User
    outsider: User
    commission: User


def _user(name: str, role: str, unit: Unit | None = None, region: str | None = None) -> User:
    return User.objects.create(
        username=name,
        full_name=name,
        role=role,
        unit=unit,
        region_id=region,
        email=f"{name}@example.org",
    )


@pytest.fixture
def world(db: None) -> Iterator[World]:
    """The world; afterwards every clock any test left behind is replayed through the legal
    clock and must have exactly the stored due date and instant."""
    yield _build_world()
    for clock in Clock.objects.prefetch_related("events"):
        value = legal.replay(clock, clock.events.all())
        assert (clock.due_on, clock.due_at) == (value.due_on, value.due_at), clock


def _build_world() -> World:
    Region.objects.create(code="2304", name="鹤岗市", level=RegionLevel.CITY)
    for county in ("230402", "230403"):
        Region.objects.create(code=county, name=county, level=RegionLevel.COUNTY, parent_id="2304")
    higher = Unit.objects.create(
        code="C0",
        name="鹤岗中院",
        kind=UnitKind.COURT,
        level=RegionLevel.CITY,
        region_id="2304",
        court_code="黑04",
    )
    court = Unit.objects.create(
        code="C1",
        name="向阳区法院",
        kind=UnitKind.COURT,
        level=RegionLevel.COUNTY,
        region_id="230402",
        parent=higher,
        court_code="黑0402",
    )
    other = Unit.objects.create(
        code="C2",
        name="工农区法院",
        kind=UnitKind.COURT,
        level=RegionLevel.COUNTY,
        region_id="230403",
        parent=higher,
        court_code="黑0403",
    )
    return World(
        court=court,
        other_court=other,
        higher_court=higher,
        registrar=_user("registrar", Role.COURT_REGISTRAR, court),
        judge=_user("judge", Role.JUDGE, court),
        clerk=_user("clerk", Role.CLERK, court),
        division_president=_user("divpres", Role.DIVISION_PRESIDENT, court),
        president=_user("president", Role.COURT_PRESIDENT, court),
        higher_president=_user("higherpres", Role.COURT_PRESIDENT, higher),
        outsider=_user("outsider", Role.JUDGE, other),
        commission=_user("commission", Role.COMMISSION, None, "2304"),
    )


def open_case(world: World, on: date = date(2026, 3, 2), title: str = "张三诉李四") -> Matter:
    return matter_open(
        actor=world.registrar,
        kind="test_civil",
        title=title,
        region_code="230402",
        unit=world.court,
        owner=world.judge,
        on=on,
    )
