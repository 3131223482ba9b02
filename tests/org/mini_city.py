"""A small city for tests of any app: two counties, a court and a governance centre at
each level, one user per role inside county A and the same set of outsiders in county B.

    def test_x(mini_city: MiniCity) -> None:
        judge = mini_city.users[Role.JUDGE]          # 向阳区 (230402)
        outsider = mini_city.outsiders[Role.JUDGE]   # 工农区 (230403): must see nothing
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from django.conf import settings
from django.contrib.auth.hashers import make_password

from zhengfa.org.models import Grid, PoliceBeat, Region, RegionLevel, Unit, UnitKind, User
from zhengfa.org.roles import ROLE_SCOPE, Role, ScopeKind

CITY = "2304"
COUNTY_A = "230402"  # where ``users`` work
COUNTY_B = "230403"  # where ``outsiders`` work
PASSWORD = "mini-city-pass"


@dataclass
class MiniCity:
    users: dict[str, User] = field(default_factory=dict)
    outsiders: dict[str, User] = field(default_factory=dict)
    courts: dict[str, Unit] = field(default_factory=dict)
    centres: dict[str, Unit] = field(default_factory=dict)  # region code -> governance centre
    grids: dict[str, list[Grid]] = field(default_factory=dict)  # county code -> its grids

    @property
    def outsider(self) -> User:
        """A governance centre operator of county B: sees nothing of county A."""
        return self.outsiders[Role.CENTRE_OPERATOR]


def password_hash() -> str:
    """PASSWORD hashed once per test run and hasher: argon2 is slow by design.

    Keyed by the preferred hasher, because some test packages prefer MD5 for speed: a
    hash cached there must not reach tests whose settings no longer list MD5.
    """
    return _hash_with(settings.PASSWORD_HASHERS[0])


@cache
def _hash_with(hasher: str) -> str:
    return make_password(PASSWORD)  # made with ``hasher``, the preferred one right now


def square(x: float, y: float, size: float = 0.01) -> dict[str, object]:
    ring = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
    return {"type": "Polygon", "coordinates": [ring]}


def build_mini_city() -> MiniCity:
    city = MiniCity()
    _region(CITY, "鹤岗市", RegionLevel.CITY, None, city)
    for n, county in enumerate((COUNTY_A, COUNTY_B)):
        _county(county, n, city)
    admin = User.objects.create(
        username="mini-admin", role=Role.PLATFORM_ADMIN, is_staff=True, is_superuser=True
    )
    admin.password = password_hash()
    admin.save()
    city.users[Role.PLATFORM_ADMIN] = admin
    return city


def _region(code: str, name: str, level: str, parent: str | None, city: MiniCity) -> None:
    Region.objects.create(code=code, name=name, level=level, parent_id=parent)
    city.centres[code] = Unit.objects.create(
        code=f"{code}-ZZZX",
        name=f"{name}综治中心",
        kind=UnitKind.GOVERNANCE_CENTRE,
        level=level,
        region_id=code,
    )


def _county(county: str, n: int, city: MiniCity) -> None:
    _region(county, f"县区{county}", RegionLevel.COUNTY, CITY, city)
    court = Unit.objects.create(
        code=f"{county}-FY",
        name=f"{county}人民法院",
        kind=UnitKind.COURT,
        level=RegionLevel.COUNTY,
        region_id=county,
        court_code=f"黑{county[2:]}",
    )
    station = Unit.objects.create(
        code=f"{county}-PCS",
        name=f"{county}派出所",
        kind=UnitKind.POLICE_STATION,
        level=RegionLevel.TOWNSHIP,
        region_id=county,
    )
    city.courts[county] = court
    city.grids[county] = []
    for t in (1, 2):
        _township(county, n, t, station, city)
    people = city.users if county == COUNTY_A else city.outsiders
    _people(county, court, station, city, people)


def _township(county: str, n: int, t: int, station: Unit, city: MiniCity) -> None:
    township = f"{county}{t:03d}"
    _region(township, f"街道{township}", RegionLevel.TOWNSHIP, county, city)
    Unit.objects.create(
        code=f"{township}-TWH",
        name=f"{township}人民调解委员会",
        kind=UnitKind.MEDIATION_COMMITTEE,
        level=RegionLevel.TOWNSHIP,
        region_id=township,
    )
    beat = PoliceBeat.objects.create(
        code=f"{township}J001", name=f"{township}第1警格", station=station, region_id=township
    )
    for v in (1, 2):
        village = f"{township}{v:03d}"
        _region(village, f"社区{village}", RegionLevel.VILLAGE, township, city)
        for g in (1, 2):
            x, y = 130 + n + t * 0.1 + v * 0.02 + g * 0.01, 47.0
            city.grids[county].append(
                Grid.objects.create(
                    code=f"{village}{g:03d}",
                    name=f"{village}第{g}网格",
                    region_id=village,
                    geometry=square(x, y),
                    centroid_lon=x + 0.005,
                    centroid_lat=y + 0.005,
                    beat=beat,
                )
            )


def _people(
    county: str, court: Unit, station: Unit, city: MiniCity, people: dict[str, User]
) -> None:
    township, village = f"{county}001", f"{county}001001"
    units = {
        Role.POLICE_OFFICER: station,
        Role.MEDIATOR: Unit.objects.get(code=f"{township}-TWH"),
        Role.DEPT_LIAISON: city.centres[county],
    }
    regions = {
        Role.COMMISSION: county,
        Role.CENTRE_OPERATOR: township,
        Role.GRID_WORKER: village,
        Role.CITIZEN: village,
    }
    for role in Role.values:
        if role == Role.PLATFORM_ADMIN:
            continue
        kind = ROLE_SCOPE[role]
        unit = units.get(role, court) if kind is ScopeKind.UNIT else None
        if role == Role.CENTRE_OPERATOR:
            unit = city.centres[township]
        user = User.objects.create(
            username=f"{role}-{county}",
            full_name=f"{role}@{county}",
            role=role,
            unit=unit,
            region_id=regions.get(role),
        )
        user.password = password_hash()
        user.save()
        people[role] = user
    grid = city.grids[county][0]
    grid.worker = people[Role.GRID_WORKER]
    grid.save()
