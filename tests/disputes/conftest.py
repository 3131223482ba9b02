"""The mini city plus what disputes need: village mediation committees under the township
ones, a county mediation room, county departments, and a mediator in each place."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from PIL import Image

from tests.org.mini_city import COUNTY_A, COUNTY_B, MiniCity, password_hash
from zhengfa.disputes.defaults import defaults_ensure
from zhengfa.disputes.services.intake import PartyInput
from zhengfa.flow import clocks as legal
from zhengfa.flow.models import Clock
from zhengfa.flow.photos import PhotoInput
from zhengfa.org.models import Grid, RegionLevel, Unit, UnitKind, User
from zhengfa.org.roles import Role

VILLAGE = f"{COUNTY_A}001001"
TOWNSHIP = f"{COUNTY_A}001"


@dataclass
class DisputeCity:
    city: MiniCity
    grid: Grid
    grid_worker: User
    village_committee: Unit
    village_mediator: User
    township_mediator: User
    county_room: Unit
    county_mediator: User
    hr_bureau: Unit
    hr_liaison: User
    registrar: User
    judge: User
    centre_operator: User
    outsider: User
    outsider_mediator: User

    def user(self, role: str) -> User:
        return self.city.users[role]


def _unit(code: str, name: str, kind: str, level: str, region: str, parent: Unit | None) -> Unit:
    return Unit.objects.create(
        code=code, name=name, kind=kind, level=level, region_id=region, parent=parent
    )


def _person(username: str, role: str, unit: Unit) -> User:
    user = User.objects.create(username=username, full_name=username, role=role, unit=unit)
    user.password = password_hash()
    user.save()
    return user


def _county_bodies(county: str) -> tuple[Unit, Unit]:
    room = _unit(
        f"{county}-TJS",
        f"{county}矛盾纠纷调解室",
        UnitKind.MEDIATION_STUDIO,
        RegionLevel.COUNTY,
        county,
        None,
    )
    hr = _unit(
        f"{county}-RSJ",
        f"{county}人力资源和社会保障局",
        UnitKind.DEPARTMENT,
        RegionLevel.COUNTY,
        county,
        None,
    )
    for township in (f"{county}001", f"{county}002"):
        committee = Unit.objects.get(code=f"{township}-TWH")
        committee.parent = room
        committee.save()
        for village in (f"{township}001", f"{township}002"):
            _unit(
                f"{village}-TWH",
                f"{village}人民调解委员会",
                UnitKind.MEDIATION_COMMITTEE,
                RegionLevel.VILLAGE,
                village,
                committee,
            )
    return room, hr


@pytest.fixture
def dc(mini_city: MiniCity) -> Iterator[DisputeCity]:
    """The dispute city; afterwards every clock is replayed through the legal clock."""
    defaults_ensure()  # a transactional test before this one may have flushed them
    room, hr = _county_bodies(COUNTY_A)
    _county_bodies(COUNTY_B)
    village_committee = Unit.objects.get(code=f"{VILLAGE}-TWH")
    yield DisputeCity(
        city=mini_city,
        grid=mini_city.grids[COUNTY_A][0],
        grid_worker=mini_city.users[Role.GRID_WORKER],
        village_committee=village_committee,
        village_mediator=_person("village-mediator", Role.MEDIATOR, village_committee),
        township_mediator=mini_city.users[Role.MEDIATOR],
        county_room=room,
        county_mediator=_person("county-mediator", Role.MEDIATOR, room),
        hr_bureau=hr,
        hr_liaison=_person("hr-liaison", Role.DEPT_LIAISON, hr),
        registrar=mini_city.users[Role.COURT_REGISTRAR],
        judge=mini_city.users[Role.JUDGE],
        centre_operator=mini_city.users[Role.CENTRE_OPERATOR],
        outsider=mini_city.outsider,
        outsider_mediator=mini_city.outsiders[Role.MEDIATOR],
    )
    for clock in Clock.objects.prefetch_related("events"):
        value = legal.replay(clock, clock.events.all())
        assert (clock.due_on, clock.due_at) == (value.due_on, value.due_at), clock


@pytest.fixture(autouse=True)
def media_in_tmp(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


def png_bytes(size: tuple[int, int] = (8, 6)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def photo(name: str = "scene.png") -> PhotoInput:
    return PhotoInput(name, png_bytes())


PARTIES = (
    PartyInput(name="张三", side="applicant", phone="13800138000"),
    PartyInput(name="李四", side="respondent"),
)
