"""The demo city's people, pure: one documented login per role, staff for every unit,
one grid worker per grid. Names are synthetic (Faker zh_CN, seeded)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from zhengfa.org.demo.geography import Division, PlannedGrid
from zhengfa.org.demo.units import PlannedUnit, station_of, unit_code
from zhengfa.org.models import UnitKind
from zhengfa.org.roles import Role

# The demo logins work in 向阳区 北山街道: its court, its station, its committee.
DEMO_COUNTY = "230402"
DEMO_TOWNSHIP = "230402001"
DEMO_PASSWORD_PREFIX = "demo-"  # noqa: S105 -- documented public demo logins, demo data only
COURT_STAFF = (  # (role, intermediate court, basic court)
    (Role.COURT_PRESIDENT, 1, 1),
    (Role.DIVISION_PRESIDENT, 3, 2),
    (Role.JUDGE, 12, 6),
    (Role.CLERK, 6, 4),
    (Role.COURT_REGISTRAR, 3, 2),
)
STAFF_BY_KIND: dict[str, tuple[tuple[str, int], ...]] = {
    UnitKind.POLICE_STATION: ((Role.POLICE_OFFICER, 3),),
    UnitKind.POLICE_BUREAU: ((Role.POLICE_OFFICER, 2),),
    UnitKind.MEDIATION_COMMITTEE: ((Role.MEDIATOR, 1),),
    UnitKind.MEDIATION_STUDIO: ((Role.MEDIATOR, 1),),
    UnitKind.GOVERNANCE_CENTRE: ((Role.CENTRE_OPERATOR, 1),),
    UnitKind.COMMISSION: ((Role.COMMISSION, 1),),
}
REGION_SCOPED = frozenset({Role.CENTRE_OPERATOR, Role.COMMISSION})


@dataclass(frozen=True)
class PlannedPerson:
    username: str
    full_name: str
    role: str
    unit_code: str | None = None
    region_code: str | None = None
    grid_code: str | None = None  # the grid a grid worker serves
    is_login: bool = False  # a demo login, password ``demo_password(role)``


def demo_password(role: str) -> str:
    """The documented password of a demo login (docs/demo-city.md)."""
    return f"{DEMO_PASSWORD_PREFIX}{role}"


def plan_people(
    divisions: list[Division],
    units: list[PlannedUnit],
    grids: list[PlannedGrid],
    names: Callable[[], str],
) -> list[PlannedPerson]:
    logins = demo_logins(divisions, grids)
    login_grid = next(p.grid_code for p in logins if p.grid_code)
    people = [_named(p, names) for p in logins]
    for unit in units:
        people += [_named(p, names) for p in _staff(unit)]
    people += [
        PlannedPerson(f"gw-{g.code}", names(), Role.GRID_WORKER, None, g.village_code, g.code)
        for g in grids
        if g.code != login_grid
    ]
    return people


def _named(person: PlannedPerson, names: Callable[[], str]) -> PlannedPerson:
    return PlannedPerson(
        person.username,
        names(),
        person.role,
        person.unit_code,
        person.region_code,
        person.grid_code,
        person.is_login,
    )


def demo_logins(divisions: list[Division], grids: list[PlannedGrid]) -> list[PlannedPerson]:
    """One login per role, username = the role's value, all in the demo township."""
    townships = [d for d in divisions if d.level == "township"]
    grid = next(g for g in grids if g.village_code.startswith(DEMO_TOWNSHIP))
    court = unit_code(DEMO_COUNTY, "FY")
    places: dict[str, tuple[str | None, str | None]] = {
        Role.PLATFORM_ADMIN: (None, None),
        Role.COMMISSION: (unit_code("2304", "ZFW"), "2304"),
        Role.CENTRE_OPERATOR: (unit_code(DEMO_TOWNSHIP, "ZZZX"), DEMO_TOWNSHIP),
        Role.GRID_WORKER: (None, grid.village_code),
        Role.MEDIATOR: (unit_code(DEMO_TOWNSHIP, "TWH"), None),
        Role.DEPT_LIAISON: (unit_code("2304", "XFJ"), None),
        Role.POLICE_OFFICER: (station_of(DEMO_TOWNSHIP, townships), None),
        Role.CITIZEN: (None, grid.village_code),
    }
    for role, _, _ in COURT_STAFF:
        places[role] = (court, None)
    return [
        PlannedPerson(
            role,
            "",
            role,
            *places[role],
            grid_code=grid.code if role == Role.GRID_WORKER else None,
            is_login=True,
        )
        for role in Role.values
    ]


def _staff(unit: PlannedUnit) -> Iterator[PlannedPerson]:
    for role, count in _staffing(unit):
        region = unit.region_code if role in REGION_SCOPED else None
        for n in range(1, count + 1):
            yield PlannedPerson(f"{role}-{unit.code}-{n}", "", role, unit.code, region)


def _staffing(unit: PlannedUnit) -> tuple[tuple[str, int], ...]:
    if unit.kind == UnitKind.COURT:
        column = 1 if unit.level == "city" else 2
        return tuple((row[0], int(row[column])) for row in COURT_STAFF)
    return STAFF_BY_KIND.get(unit.kind, ((Role.DEPT_LIAISON, 1),))
