"""A fire campaign in county A of the mini city, with the people who inspect, rectify,
verify and oversee it — and outsiders in county B who must see none of it."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from PIL import Image

from tests.org.mini_city import COUNTY_A, COUNTY_B, MiniCity, password_hash
from zhengfa.flow import clocks as legal
from zhengfa.flow.models import Clock
from zhengfa.flow.photos import PhotoInput
from zhengfa.hazards.models import Campaign, CheckResult
from zhengfa.hazards.services.campaigns import campaign_create
from zhengfa.hazards.services.inspections import CheckInput, FindingInput
from zhengfa.org.models import Grid, Unit, User
from zhengfa.org.roles import Role

SH = ZoneInfo("Asia/Shanghai")
AFTERNOON = datetime(2026, 11, 10, 14, 3, 20, tzinfo=SH)  # a Tuesday
TOWNSHIP_A = f"{COUNTY_A}001"


def jpeg(size: tuple[int, int] = (40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 60, 40)).save(out, "JPEG")
    return out.getvalue()


def photo(name: str = "site.jpg") -> PhotoInput:
    return PhotoInput(name, jpeg())


@dataclass
class Hz:
    city: MiniCity
    campaign: Campaign
    grid: Grid  # the grid worker's grid in county A
    worker: User
    operator: User  # the township centre's operator: owns what grid workers find
    county_operator: User  # the county centre's operator: one level up
    officer: User
    commission: User
    outsider_worker: User
    outsider_operator: User

    def checks(self, hazard_items: int = 1) -> list[CheckInput]:
        items = list(self.campaign.items.all())
        return [
            CheckInput(i.pk, CheckResult.HAZARD if n < hazard_items else CheckResult.OK)
            for n, i in enumerate(items)
        ]

    def finding(self, severity: str = "major", **extra: object) -> FindingInput:
        item = self.campaign.items.first()
        values: dict[str, object] = {
            "severity": severity,
            "description": "疏散通道堆放杂物",
            "responsible_party": "向阳超市",
            "lon": self.grid.centroid_lon,
            "lat": self.grid.centroid_lat,
            "item": item.pk if item else None,
            "photos": (photo(),),
        }
        values.update(extra)
        return FindingInput(**values)  # type: ignore[arg-type]


def seed_themes_and_limits() -> None:
    """The data migration's rows again: a live-server test elsewhere flushes the database
    (themes and limits included) and later tests must not depend on the order."""
    from importlib import import_module

    from django.apps import apps

    import_module("zhengfa.hazards.migrations.0002_themes_and_limits").seed(apps, None)


def _user(username: str, role: str, unit: Unit | None, region: str | None = None) -> User:
    user = User.objects.create(
        username=username, full_name=username, role=role, unit=unit, region_id=region
    )
    user.password = password_hash()
    user.save()
    return user


@pytest.fixture
def hz(mini_city: MiniCity, settings: object, tmp_path: Path) -> Iterator[Hz]:
    """The world at 14:03 on a Tuesday in November; afterwards every clock left behind must
    replay to its stored due instant."""
    settings.MEDIA_ROOT = str(tmp_path)  # type: ignore[attr-defined]
    seed_themes_and_limits()
    city = mini_city
    county_centre, township_centre = city.centres[COUNTY_A], city.centres[TOWNSHIP_A]
    Unit.objects.filter(pk=township_centre.pk).update(parent=county_centre)
    county_operator = _user("county-operator", Role.CENTRE_OPERATOR, county_centre, COUNTY_A)
    commission = city.users[Role.COMMISSION]
    with time_machine.travel(AFTERNOON, tick=False):
        campaign = campaign_create(
            actor=commission,
            theme="fire",
            name="冬季消防安全专项行动",
            region_code=COUNTY_A,
            starts_on=date(2026, 11, 1),
            ends_on=date(2027, 2, 28),
            lead_unit=county_centre.code,
            units=[county_centre.code, township_centre.code, f"{COUNTY_A}-PCS"],
        )
        yield Hz(
            city=city,
            campaign=campaign,
            grid=city.grids[COUNTY_A][0],
            worker=city.users[Role.GRID_WORKER],
            operator=city.users[Role.CENTRE_OPERATOR],
            county_operator=county_operator,
            officer=city.users[Role.POLICE_OFFICER],
            commission=commission,
            outsider_worker=city.outsiders[Role.GRID_WORKER],
            outsider_operator=city.outsiders[Role.CENTRE_OPERATOR],
        )
    for clock in Clock.objects.prefetch_related("events"):
        value = legal.replay(clock, clock.events.all())
        assert (clock.due_on, clock.due_at) == (value.due_on, value.due_at), clock


__all__ = ["COUNTY_B", "Hz"]
