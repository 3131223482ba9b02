"""The admin is scoped like everything else, and its edits are audited."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from tests.org.mini_city import COUNTY_A, COUNTY_B, MiniCity, square
from zhengfa.audit.models import AuditEntry
from zhengfa.org.models import Grid, User
from zhengfa.org.roles import Role

GRIDS = "/admin/org/grid/"


def _staff_client(user: User) -> Client:
    user.is_staff = True
    user.save()
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_grid", "change_grid"]))
    client = Client()
    client.force_login(user)
    return client


def _listed(client: Client) -> set[str]:
    response = client.get(GRIDS)
    assert response.status_code == 200
    return {g.code for g in response.context["cl"].queryset}


def test_platform_admin_sees_every_grid_and_its_edit_is_audited(mini_city: MiniCity) -> None:
    admin = mini_city.users[Role.PLATFORM_ADMIN]
    client = Client()
    client.force_login(admin)
    assert _listed(client) == set(Grid.objects.values_list("code", flat=True))
    grid = mini_city.grids[COUNTY_B][0]
    form = {
        "code": grid.code,
        "name": "改名网格",
        "region": grid.region_id,
        "geometry": json.dumps(square(131, 48)),
        "population": "",
        "beat": grid.beat_id or "",
        "worker": grid.worker_id or "",
    }
    response = client.post(f"{GRIDS}{grid.pk}/change/", form)
    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = AuditEntry.objects.get(action="org.grid.change", subject_id=str(grid.pk))
    assert entry.actor_id == admin.pk
    assert entry.old["name"] == grid.name and entry.new["name"] == "改名网格"
    assert Grid.objects.get(pk=grid.pk).centroid_lon == pytest.approx(131.005)


def test_admin_refuses_an_invalid_geometry_and_stores_nothing(mini_city: MiniCity) -> None:
    client = Client()
    client.force_login(mini_city.users[Role.PLATFORM_ADMIN])
    grid = mini_city.grids[COUNTY_B][0]
    bowtie = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    form = {
        "code": grid.code,
        "name": "x",
        "region": grid.region_id,
        "geometry": json.dumps(bowtie),
    }
    audit_rows = AuditEntry.objects.count()
    response = client.post(f"{GRIDS}{grid.pk}/change/", form)
    assert response.status_code == 200
    assert "invalid ring" in str(response.context["adminform"].form.errors["geometry"])
    assert Grid.objects.get(pk=grid.pk).name == grid.name
    assert AuditEntry.objects.count() == audit_rows


def test_an_operator_sees_only_their_township_and_cannot_edit(mini_city: MiniCity) -> None:
    operator = mini_city.users[Role.CENTRE_OPERATOR]
    client = _staff_client(operator)
    township = operator.region_id or ""
    assert _listed(client) == {
        g.code for g in mini_city.grids[COUNTY_A] if g.code.startswith(township)
    }
    own = mini_city.grids[COUNTY_A][0]
    before, audit_rows = Grid.objects.get(pk=own.pk).name, AuditEntry.objects.count()
    response = client.post(f"{GRIDS}{own.pk}/change/", {"code": own.code, "name": "x"})
    assert response.status_code == 403
    assert Grid.objects.get(pk=own.pk).name == before
    assert AuditEntry.objects.count() == audit_rows
    assert client.get(f"{GRIDS}add/").status_code == 403


def test_an_outsider_cannot_open_a_grid_of_another_county(mini_city: MiniCity) -> None:
    client = _staff_client(mini_city.outsider)
    assert not (_listed(client) & {g.code for g in mini_city.grids[COUNTY_A]})
    foreign = mini_city.grids[COUNTY_A][0]
    response = client.get(f"{GRIDS}{foreign.pk}/change/")
    assert response.status_code == 302  # "does not exist", same as a missing id
    assert client.get(f"{GRIDS}999999/change/").status_code == 302


def test_admin_user_form_names_the_missing_unit_and_keeps_the_input(mini_city: MiniCity) -> None:
    client = Client()
    client.force_login(mini_city.users[Role.PLATFORM_ADMIN])
    users = User.objects.count()
    response = client.post(
        "/admin/org/user/add/",
        {
            "username": "new-judge",
            "password1": "a-long-passphrase-1",
            "password2": "a-long-passphrase-1",
            "usable_password": "true",
            "role": Role.JUDGE,
            "full_name": "王法官",
        },
    )
    assert response.status_code == 200
    assert "unit" in response.context["adminform"].form.errors
    assert "王法官" in response.content.decode()
    assert User.objects.count() == users
