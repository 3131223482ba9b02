"""A small two-district world for the API tests: "home" (向阳区) and "away" (工农区).

Every role has one user whose scope covers the home village and nothing of the away
district, so the away objects are what an outsider must never see.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client

from zhengfa.org.models import Grid, Region, RegionLevel, Unit, UnitKind, User
from zhengfa.org.roles import Role

PASSWORD = "correct horse battery staple"


def square(x: float, y: float, size: float = 0.01) -> dict[str, object]:
    ring = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
    return {"type": "Polygon", "coordinates": [ring]}


@dataclass
class Side:
    county: str
    township: str
    village: str
    grid: Grid
    unit: Unit


@dataclass
class World:
    home: Side
    away: Side
    users: dict[str, User] = field(default_factory=dict)

    def client_for(self, role: str | None) -> Client:
        client = Client()
        if role is not None:
            client.force_login(self.users[role])
        return client


def _regions(county: str, name: str) -> tuple[str, str, str]:
    township, village = f"{county}001", f"{county}001001"
    Region.objects.create(code=county, name=name, level=RegionLevel.COUNTY, parent_id="2304")
    Region.objects.create(
        code=township, name=f"{name}一街道", level=RegionLevel.TOWNSHIP, parent_id=county
    )
    Region.objects.create(
        code=village, name=f"{name}一社区", level=RegionLevel.VILLAGE, parent_id=township
    )
    return county, township, village


def _unit(code: str, kind: str, level: str, region: str, **extra: object) -> Unit:
    return Unit.objects.create(
        code=code, name=f"{code} unit", kind=kind, level=level, region_id=region, **extra
    )


def _side(county: str, name: str, x: float) -> Side:
    county, township, village = _regions(county, name)
    grid = Grid.objects.create(
        code=f"{village}01",
        name=f"{name}一网格",
        region_id=village,
        geometry=square(x, 47.3),
        centroid_lon=x + 0.005,
        centroid_lat=47.305,
        area_km2=1.2,
    )
    committee = _unit(f"M{village}", UnitKind.MEDIATION_COMMITTEE, RegionLevel.VILLAGE, village)
    return Side(county, township, village, grid, committee)


COURT_ROLES = (
    Role.COURT_REGISTRAR,
    Role.JUDGE,
    Role.DIVISION_PRESIDENT,
    Role.COURT_PRESIDENT,
    Role.CLERK,
)


def _unit_of(role: str, side: Side) -> Unit | None:
    codes = {Role.MEDIATOR: side.unit.code, Role.DEPT_LIAISON: f"D{side.county}"}
    codes[Role.POLICE_OFFICER] = f"P{side.township}"
    codes.update({court_role: f"C{side.county}" for court_role in COURT_ROLES})
    code = codes.get(role)
    return Unit.objects.get(code=code) if code else None


def _user(role: str, side: Side, suffix: str = "") -> User:
    regions = {Role.COMMISSION: side.county, Role.CENTRE_OPERATOR: side.township}
    user = User.objects.create_user(
        username=f"{role}{suffix}",
        password=PASSWORD,
        role=role,
        unit=_unit_of(role, side),
        region_id=regions.get(role),
    )
    if role == Role.GRID_WORKER:
        Grid.objects.filter(pk=side.grid.pk).update(worker=user)
    return user


@pytest.fixture
def world(db: None) -> World:
    Region.objects.create(code="2304", name="鹤岗市", level=RegionLevel.CITY)
    home = _side("230402", "向阳区", 130.29)
    away = _side("230403", "工农区", 130.25)
    for side in (home, away):
        _unit(
            f"C{side.county}",
            UnitKind.COURT,
            RegionLevel.COUNTY,
            side.county,
            court_code=f"黑{side.county[2:]}",
        )
        _unit(f"D{side.county}", UnitKind.DEPARTMENT, RegionLevel.COUNTY, side.county)
        _unit(f"P{side.township}", UnitKind.POLICE_STATION, RegionLevel.TOWNSHIP, side.township)
    world = World(home=home, away=away)
    for role in Role.values:
        world.users[role] = _user(role, home)
    world.users["outsider"] = _user(Role.CENTRE_OPERATOR, away, suffix="_away")
    for side in (home, away):
        side.grid.refresh_from_db()
    return world


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """Argon2 is deliberately slow; these tests create many users with passwords.

    New hashes are MD5; the real hashers stay listed so hashes made elsewhere in the run
    (mini_city caches one) still verify.
    """
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        *settings.PASSWORD_HASHERS,
    ]
