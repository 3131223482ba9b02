"""The shared ``mini_city`` fixture is what it says: every role inside, outsiders outside."""

from __future__ import annotations

from tests.org.mini_city import COUNTY_A, COUNTY_B, MiniCity
from zhengfa.org.models import Grid, Region, User
from zhengfa.org.roles import Role


def test_one_valid_user_per_role_inside_and_outside(mini_city: MiniCity) -> None:
    assert set(mini_city.users) == set(Role.values)
    assert set(mini_city.outsiders) == set(Role.values) - {Role.PLATFORM_ADMIN}
    for user in [*mini_city.users.values(), *mini_city.outsiders.values()]:
        user.full_clean()  # each role has the scope it needs


def test_outsiders_see_none_of_county_a(mini_city: MiniCity) -> None:
    county_a = {g.pk for g in mini_city.grids[COUNTY_A]}
    for role, outsider in mini_city.outsiders.items():
        assert not Grid.objects.for_user(outsider).filter(pk__in=county_a).exists(), role
        assert not Region.objects.for_user(outsider).filter(code__startswith=COUNTY_A).exists()
    assert (
        Grid.objects.for_user(mini_city.outsider).filter(region__code__startswith=COUNTY_B).exists()
    )


def test_the_shape_of_the_city(mini_city: MiniCity) -> None:
    assert Region.objects.filter(level="village").count() == 8
    assert len(mini_city.grids[COUNTY_A]) == len(mini_city.grids[COUNTY_B]) == 8
    assert len(mini_city.centres) == 1 + 2 + 4 + 8  # a governance centre per region
    assert User.objects.filter(role=Role.GRID_WORKER).count() == 2
