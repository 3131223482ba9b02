from __future__ import annotations

import gzip
import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.api.conftest import PASSWORD, World, square
from zhengfa.audit.models import AuditEntry
from zhengfa.org.models import ApiToken, Grid, Unit
from zhengfa.org.roles import Role

PROBLEM = "application/problem+json"


def get_json(client: Client, url: str, **params: Any) -> tuple[int, Any]:
    response = client.get(url, params)
    return response.status_code, json.loads(response.content)


def test_me_names_role_and_scope(world: World) -> None:
    status, body = get_json(world.client_for(Role.JUDGE), "/api/v1/me")
    assert status == 200
    assert body["role"] == Role.JUDGE
    assert body["scope_kind"] == "unit"
    assert body["unit"]["code"] == "C230402"


def test_grids_are_a_feature_collection_of_the_scope(world: World) -> None:
    response = world.client_for(Role.COMMISSION).get("/api/v1/grids")
    assert response["Content-Type"] == "application/geo+json"
    body = json.loads(response.content)
    assert body["type"] == "FeatureCollection"
    [feature] = body["features"]
    assert feature["id"] == world.home.grid.code
    assert feature["geometry"] == world.home.grid.geometry
    assert feature["properties"]["village"] == "向阳区一社区"
    assert feature["properties"]["county_code"] == "230402"


def test_the_outsider_sees_only_the_away_grid(world: World) -> None:
    status, body = get_json(world.client_for("outsider"), "/api/v1/grids")
    assert [f["id"] for f in body["features"]] == [world.away.grid.code]


def test_grid_region_filter_keeps_the_subtree(world: World) -> None:
    admin = world.client_for(Role.PLATFORM_ADMIN)
    _, everything = get_json(admin, "/api/v1/grids")
    _, away_only = get_json(admin, "/api/v1/grids", region="230403")
    assert len(everything["features"]) == 2
    assert [f["id"] for f in away_only["features"]] == [world.away.grid.code]


@pytest.mark.parametrize(
    ("value", "message_part"),
    [("23x4", "4, 6, 9 or 12 digits"), ("23040", "4, 6, 9 or 12 digits"), ("230499", "230499")],
)
def test_bad_region_filter_names_the_field_and_the_form(
    world: World, value: str, message_part: str
) -> None:
    response = world.client_for(Role.PLATFORM_ADMIN).get("/api/v1/grids", {"region": value})
    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    [error] = json.loads(response.content)["errors"]
    assert error["field"] == "region"
    assert message_part in error["message"]


def test_grid_detail_outside_scope_is_the_same_404_as_missing(world: World) -> None:
    client = world.client_for(Role.CENTRE_OPERATOR)
    forbidden = client.get(f"/api/v1/grids/{world.away.grid.code}")
    missing = client.get("/api/v1/grids/NO-SUCH-GRID")
    assert forbidden.status_code == missing.status_code == 404
    assert forbidden["Content-Type"] == PROBLEM
    assert world.away.grid.code not in forbidden.content.decode()
    assert json.loads(forbidden.content)["title"] == json.loads(missing.content)["title"]


def test_grid_detail_is_a_feature(world: World) -> None:
    status, body = get_json(world.client_for(Role.GRID_WORKER), "/api/v1/grids/23040200100101")
    assert status == 200
    assert body["type"] == "Feature"
    assert body["properties"]["name"] == "向阳区一网格"


def test_grid_list_query_count_does_not_grow_with_grids(world: World) -> None:
    client = world.client_for(Role.PLATFORM_ADMIN)
    client.get("/api/v1/grids")  # session and user are loaded once, outside the count
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/grids")
    for n in range(20):
        Grid.objects.create(
            code=f"EXTRA{n}",
            name="g",
            region_id=world.home.village,
            geometry=square(130 + n / 100, 47),
            centroid_lon=130,
            centroid_lat=47,
        )
    with CaptureQueriesContext(connection) as many:
        _, body = get_json(client, "/api/v1/grids")
    assert len(body["features"]) == 22
    assert len(many) == len(few)


def test_regions_filter_by_level_and_parent(world: World) -> None:
    client = world.client_for(Role.PLATFORM_ADMIN)
    _, counties = get_json(client, "/api/v1/regions", level="county")
    _, children = get_json(client, "/api/v1/regions", parent="230403")
    assert [r["code"] for r in counties] == ["230402", "230403"]
    assert [r["code"] for r in children] == ["230403001"]


def test_regions_level_must_be_one_of_the_levels(world: World) -> None:
    response = world.client_for(Role.PLATFORM_ADMIN).get("/api/v1/regions", {"level": "planet"})
    assert response.status_code == 422
    assert json.loads(response.content)["errors"][0]["field"] == "level"


def test_region_and_unit_details(world: World) -> None:
    client = world.client_for(Role.COMMISSION)
    status, region = get_json(client, "/api/v1/regions/230402001")
    assert (status, region["parent_code"]) == (200, "230402")
    status, unit = get_json(client, "/api/v1/units/C230402")
    assert (status, unit["court_code"], unit["kind"]) == (200, "黑0402", "court")
    assert client.get("/api/v1/units/C230403").status_code == 404
    assert client.get("/api/v1/regions/230403").status_code == 404


def test_units_filter_by_kind(world: World) -> None:
    _, units = get_json(world.client_for(Role.COMMISSION), "/api/v1/units", kind="court")
    assert [u["code"] for u in units] == ["C230402"]


def test_token_obtain_then_use(world: World) -> None:
    client = Client()
    response = client.post(
        "/api/v1/auth/token",
        {"username": "judge", "password": PASSWORD, "label": "script"},
        content_type="application/json",
    )
    assert response.status_code == 201
    token = json.loads(response.content)["token"]
    me = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Token {token}")
    assert json.loads(me.content)["username"] == "judge"
    entry = AuditEntry.objects.get(action="org.token_issue")
    assert (entry.actor_label, entry.subject_label) == ("judge", "judge")
    assert token not in entry.new_json


def test_token_with_a_wrong_password_is_401_and_stores_nothing(world: World) -> None:
    response = Client().post(
        "/api/v1/auth/token",
        {"username": "judge", "password": "wrong"},
        content_type="application/json",
    )
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    assert ApiToken.objects.count() == 0
    assert not AuditEntry.objects.filter(action="org.token_issue").exists()


def test_token_request_missing_a_field_names_it(world: World) -> None:
    response = Client().post(
        "/api/v1/auth/token", {"username": "judge"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert [e["field"] for e in json.loads(response.content)["errors"]] == ["password"]
    assert ApiToken.objects.count() == 0


def test_a_wrong_token_is_401(world: World) -> None:
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION="Token not-a-token")
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM


def test_grid_list_is_gzipped_for_clients_that_accept_it(world: World) -> None:
    client = world.client_for(Role.PLATFORM_ADMIN)
    response = client.get("/api/v1/grids", HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    body = json.loads(gzip.decompress(response.content))
    assert len(body["features"]) == 2


def test_unit_list_query_count_does_not_grow_with_units(world: World) -> None:
    client = world.client_for(Role.PLATFORM_ADMIN)
    client.get("/api/v1/units")
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/units")
    parent = Unit.objects.get(code="C230402")
    for n in range(10):
        Unit.objects.create(
            code=f"X{n}", name="x", kind="court", level="county", region_id="230402", parent=parent
        )
    with CaptureQueriesContext(connection) as many:
        _, units = get_json(client, "/api/v1/units")
    assert {"X0", "X9"} <= {u["code"] for u in units}
    assert len(many) == len(few)
