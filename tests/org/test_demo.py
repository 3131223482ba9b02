"""``zhengfa demo``: the Hegang demo city as stored, its logins and its jurisdictions.

The city is built once for the module inside a transaction that is rolled back after.
"""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import F

from zhengfa.audit.models import AuditEntry
from zhengfa.org.demo.geography import (
    grids_fingerprint,
    hegang_borders,
    hegang_divisions,
    plan_grids,
    planned_fingerprint,
)
from zhengfa.org.models import Grid, PoliceBeat, Region, Unit, UnitKind, User
from zhengfa.org.roles import Role
from zhengfa.org.selectors import demo_logins

SEED = 7
TOWNSHIP = "230402001"  # 北山街道, where the demo logins work


@pytest.fixture(scope="module")
def demo_output(django_db_setup: None, django_db_blocker: object) -> Iterator[str]:
    out = StringIO()
    with django_db_blocker.unblock(), transaction.atomic():  # type: ignore[attr-defined]
        call_command("demo", seed=SEED, stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def city(demo_output: str, db: None) -> str:
    return demo_output


def _user(username: str) -> User:
    return User.objects.select_related("unit").get(username=username)


def test_the_city_has_its_real_divisions_and_exactly_3380_grids(city: str) -> None:
    assert Region.objects.count() == 524
    assert Region.objects.filter(level="township").count() == 69
    assert Region.objects.filter(level="village").count() == 446
    assert Grid.objects.count() == 3380
    assert Grid.objects.filter(region__level="village").count() == 3380
    assert not Grid.objects.filter(worker=None).exists()
    assert not Grid.objects.filter(beat=None).exists()
    for model in (Region, Unit, PoliceBeat, Grid, User):
        assert not model.objects.filter(is_demo=False).exists(), model


def test_stored_grids_are_the_seeded_plan(city: str) -> None:
    stored = grids_fingerprint(Grid.objects.values_list("code", "region_id", "geometry"))
    planned = plan_grids(hegang_divisions(), hegang_borders(), seed=SEED)
    assert stored == planned_fingerprint(planned)


def test_courts_units_and_responsible_units(city: str) -> None:
    courts = dict(Unit.objects.filter(kind=UnitKind.COURT).values_list("court_code", "name"))
    assert courts["黑04"] == "鹤岗市中级人民法院"
    assert courts["黑0402"] == "鹤岗市向阳区人民法院"
    assert set(courts) == {
        "黑04",
        "黑0402",
        "黑0403",
        "黑0404",
        "黑0405",
        "黑0406",
        "黑0407",
        "黑0421",
        "黑0422",
    }
    assert Unit.objects.filter(is_responsible_unit=True).count() == 28
    centres = Unit.objects.filter(kind=UnitKind.GOVERNANCE_CENTRE)
    assert centres.count() == 1 + 8 + 69 + 446  # one per region at every level
    committees = Unit.objects.filter(kind=UnitKind.MEDIATION_COMMITTEE)
    assert committees.filter(level="village").count() == 446
    assert committees.filter(level="township").count() == 69
    studios = Unit.objects.filter(kind=UnitKind.MEDIATION_STUDIO)
    assert set(studios.values_list("level", flat=True)) == {"city", "county"}
    assert Unit.objects.filter(kind=UnitKind.POLICE_STATION).count() == 36


def test_each_beat_is_served_by_a_station_and_its_grids_lie_in_its_township(city: str) -> None:
    for beat in PoliceBeat.objects.select_related("station").prefetch_related("grids")[:200]:
        assert beat.station.kind == UnitKind.POLICE_STATION
        assert all(g.region_id.startswith(beat.region_id) for g in beat.grids.all())


def test_grid_workers_serve_grids_of_their_own_village(city: str) -> None:
    mismatched = Grid.objects.exclude(worker__region_id=F("region_id"))
    assert not mismatched.exists()
    assert not Grid.objects.exclude(worker__role=Role.GRID_WORKER).exists()


def test_the_logins_table_lists_one_login_per_role(city: str) -> None:
    for role in Role.values:
        assert f"demo-{role}" in city
    assert [login.role for login in demo_logins()] == list(Role.values)
    assert authenticate(username="judge", password="demo-judge") is not None
    assert authenticate(username="judge", password="wrong") is None
    assert not _user("gw-230402001001002").has_usable_password()  # generated people: no login


def test_a_township_operator_sees_only_that_townships_grids(city: str) -> None:
    operator = _user("centre_operator")
    assert operator.region_id == TOWNSHIP
    seen = Grid.objects.for_user(operator)
    assert seen.count() == Grid.objects.filter(region__code__startswith=TOWNSHIP).count() > 0
    assert not seen.exclude(region__code__startswith=TOWNSHIP).exists()
    assert Grid.objects.for_user(operator, action="change").count() == 0


def test_an_outsider_sees_nothing_of_that_township(city: str) -> None:
    outsider = _user("centre_operator-230403001-ZZZX-1")  # a township of 工农区
    assert outsider.region_id == "230403001"
    assert not Grid.objects.for_user(outsider).filter(region__code__startswith=TOWNSHIP).exists()
    assert Grid.objects.for_user(outsider).count() > 0


def test_every_demo_login_sees_what_its_role_allows(city: str) -> None:
    assert Grid.objects.for_user(_user("commission")).count() == 3380
    assert Grid.objects.for_user(_user("platform_admin")).count() == 3380
    judge_grids = Grid.objects.for_user(_user("judge"))
    assert judge_grids.count() == Grid.objects.filter(region__code__startswith="230402").count()
    assert list(
        Grid.objects.for_user(_user("grid_worker")).values_list("worker__username", flat=True)
    ) == ["grid_worker"]
    assert Grid.objects.for_user(_user("citizen")).count() == 0
    assert Grid.objects.for_user(AnonymousUser()).count() == 0


def test_if_empty_prints_the_logins_again_and_builds_nothing(city: str) -> None:
    out, entries = StringIO(), AuditEntry.objects.count()
    call_command("demo", if_empty=True, stdout=out)
    assert "demo-court_president" in out.getvalue()
    assert AuditEntry.objects.count() == entries and Grid.objects.count() == 3380


def test_a_second_build_is_refused_and_changes_nothing(city: str) -> None:
    entries = AuditEntry.objects.count()
    with pytest.raises(CommandError) as caught:
        call_command("demo", seed=SEED + 1, stdout=StringIO())
    assert caught.value.returncode == 2 and "already loaded" in str(caught.value)
    assert AuditEntry.objects.count() == entries and Grid.objects.count() == 3380


def test_the_build_is_audited_with_its_seed_and_fingerprint(city: str) -> None:
    entry = AuditEntry.objects.get(action="org.demo_build")
    assert entry.new["seed"] == SEED and entry.new["counts"]["grids"] == 3380
    assert entry.new["fingerprint"] == grids_fingerprint(
        Grid.objects.values_list("code", "region_id", "geometry")
    )


def test_scale_out_of_range_exits_2(city: str) -> None:
    for scale in (0, 51):
        with pytest.raises(CommandError) as caught:
            call_command("demo", scale=scale, stdout=StringIO())
        assert caught.value.returncode == 2 and "--scale" in str(caught.value)
    assert Region.objects.count() == 524
