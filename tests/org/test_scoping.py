from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from zhengfa.org.models import Grid, Region, RegionLevel, Unit, UnitKind, User
from zhengfa.org.roles import Role
from zhengfa.org.scoping import get_for_user

SQUARE = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}


@pytest.fixture
def city(db: None) -> dict[str, object]:
    Region.objects.create(code="2304", name="鹤岗市", level=RegionLevel.CITY)
    for county in ("230402", "230403"):
        Region.objects.create(code=county, name=county, level=RegionLevel.COUNTY, parent_id="2304")
        Region.objects.create(
            code=f"{county}001", name="t", level=RegionLevel.TOWNSHIP, parent_id=county
        )
        Region.objects.create(
            code=f"{county}001001", name="v", level=RegionLevel.VILLAGE, parent_id=f"{county}001"
        )
        Grid.objects.create(
            code=f"G{county}",
            name="g",
            region_id=f"{county}001001",
            geometry=SQUARE,
            centroid_lon=0.5,
            centroid_lat=0.5,
        )
    court = Unit.objects.create(
        code="C1",
        name="向阳区法院",
        kind=UnitKind.COURT,
        level=RegionLevel.COUNTY,
        region_id="230402",
        court_code="黑0402",
    )
    return {"court": court}


def test_region_scope_sees_only_its_subtree(city: dict[str, object]) -> None:
    operator = User.objects.create(username="op", role=Role.CENTRE_OPERATOR, region_id="230403")
    assert list(Grid.objects.for_user(operator).values_list("code", flat=True)) == ["G230403"]


def test_admin_sees_all_and_anonymous_nothing(city: dict[str, object]) -> None:
    admin = User.objects.create(username="admin", role=Role.PLATFORM_ADMIN)
    assert Grid.objects.for_user(admin).count() == 2
    assert Grid.objects.for_user(AnonymousUser()).count() == 0


def test_unit_scope_sees_reference_data_of_its_region(city: dict[str, object]) -> None:
    judge = User.objects.create(username="judge", role=Role.JUDGE, unit=city["court"])
    assert list(Grid.objects.for_user(judge).values_list("code", flat=True)) == ["G230402"]
    assert Grid.objects.for_user(judge, action="change").count() == 0


def test_get_for_user_answers_404_for_forbidden_and_missing(city: dict[str, object]) -> None:
    operator = User.objects.create(username="op", role=Role.CENTRE_OPERATOR, region_id="230403")
    with pytest.raises(Http404):
        get_for_user(Grid.objects.all(), operator, code="G230402")
    with pytest.raises(Http404):
        get_for_user(Grid.objects.all(), operator, code="nope")
    assert get_for_user(Grid.objects.all(), operator, code="G230403").code == "G230403"
