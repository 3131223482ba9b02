"""Police work in county A of the mini city: the station, a call-taker, a citizen, the
environment department that takes noise reports, its liaison — and outsiders in county B
(their station's officer) who must see none of it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.org.mini_city import MiniCity, password_hash
from zhengfa.org.models import RegionLevel, Unit, UnitKind, User
from zhengfa.org.roles import Role
from zhengfa.police.models import TargetKind, TriageRule

SH = ZoneInfo("Asia/Shanghai")
EVENING = datetime(2026, 11, 10, 20, 3, tzinfo=SH)  # a Tuesday evening
INSIDE_A = (130.135, 47.005)  # inside grid 230402001001001 (an urban community)
OUTSIDE = (100.0, 30.0)


@dataclass
class PoliceWorld:
    city: MiniCity
    officer: User  # 230402 station
    citizen: User
    outsider: User  # 230403 station's officer
    department: Unit
    liaison: User
    noise_rule: TriageRule


def make_user(username: str, role: str, unit: Unit | None, region: str | None = None) -> User:
    user = User.objects.create(
        username=username, full_name=username, role=role, unit=unit, region_id=region
    )
    user.password = password_hash()
    user.save()
    return user


@pytest.fixture
def police(mini_city: MiniCity) -> PoliceWorld:
    department = Unit.objects.create(
        code="2304-HBJ",
        name="鹤岗市生态环境局",
        kind=UnitKind.DEPARTMENT,
        level=RegionLevel.CITY,
        region_id="2304",
    )
    rule = TriageRule.objects.create(
        name="社会生活噪声 Noise",
        order=10,
        keywords="噪音,噪声,吵闹",
        target=TargetKind.DEPARTMENT,
        unit_code=department.code,
        reply_hours=72,
    )
    return PoliceWorld(
        city=mini_city,
        officer=mini_city.users[Role.POLICE_OFFICER],
        citizen=mini_city.users[Role.CITIZEN],
        outsider=mini_city.outsiders[Role.POLICE_OFFICER],
        department=department,
        liaison=make_user("hbj-liaison", Role.DEPT_LIAISON, department),
        noise_rule=rule,
    )
