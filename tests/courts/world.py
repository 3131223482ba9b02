"""A small court system for the courts' workflow tests: an intermediate court (黑04) above
two basic courts (黑0402 home, 黑0403 away), their staff and a specialised civil team, a
citizen who files online, and an outsider judge of the away court who must see nothing."""

from __future__ import annotations

from dataclasses import dataclass

from zhengfa.courts.models import Category, Division
from zhengfa.org.models import Region, RegionLevel, Unit, UnitKind, User
from zhengfa.org.roles import Role


@dataclass
class Courts:
    higher: Unit
    court: Unit
    away: Unit
    civil: Division
    registrar: User
    judges: list[User]
    clerk: User
    division_president: User
    president: User
    higher_registrar: User
    higher_judge: User
    citizen: User
    outsider: User


def _court(
    code: str, name: str, region: str, level: str, court_code: str, parent: Unit | None
) -> Unit:
    return Unit.objects.create(
        code=code,
        name=name,
        kind=UnitKind.COURT,
        level=level,
        region_id=region,
        court_code=court_code,
        parent=parent,
    )


def _user(name: str, role: str, unit: Unit | None = None, region: str | None = None) -> User:
    return User.objects.create(
        username=name, full_name=name, role=role, unit=unit, region_id=region
    )


def build_courts() -> Courts:
    Region.objects.create(code="2304", name="鹤岗市", level=RegionLevel.CITY)
    for county in ("230402", "230403"):
        Region.objects.create(code=county, name=county, level=RegionLevel.COUNTY, parent_id="2304")
    Region.objects.create(
        code="230402001", name="北山街道", level=RegionLevel.TOWNSHIP, parent_id="230402"
    )
    higher = _court("C0", "鹤岗市中级人民法院", "2304", RegionLevel.CITY, "黑04", None)
    court = _court("C1", "鹤岗市向阳区人民法院", "230402", RegionLevel.COUNTY, "黑0402", higher)
    away = _court("C2", "鹤岗市工农区人民法院", "230403", RegionLevel.COUNTY, "黑0403", higher)
    judges = [_user(f"judge{n}", Role.JUDGE, court) for n in range(1, 4)]
    civil = Division.objects.create(court=court, name="民事审判第一庭", category=Category.CIVIL)
    civil.members.set(judges)
    return Courts(
        higher=higher,
        court=court,
        away=away,
        civil=civil,
        registrar=_user("registrar", Role.COURT_REGISTRAR, court),
        judges=judges,
        clerk=_user("clerk", Role.CLERK, court),
        division_president=_user("divpres", Role.DIVISION_PRESIDENT, court),
        president=_user("president", Role.COURT_PRESIDENT, court),
        higher_registrar=_user("h-registrar", Role.COURT_REGISTRAR, higher),
        higher_judge=_user("h-judge", Role.JUDGE, higher),
        citizen=_user("citizen", Role.CITIZEN, None, "230402001"),
        outsider=_user("outsider", Role.JUDGE, away),
    )
