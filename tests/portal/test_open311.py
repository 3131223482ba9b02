"""Open311 GeoReport v2: formats, the specification's errors, grids, nothing stored on error."""

from __future__ import annotations

import json
from typing import Any

import pytest
import xmltodict
from django.test import Client

from tests.org.mini_city import COUNTY_A, MiniCity
from zhengfa.audit.models import AuditEntry
from zhengfa.flow.models import Matter
from zhengfa.org.models import Grid
from zhengfa.org.roles import Role
from zhengfa.portal.models import Application, Open311Client
from zhengfa.portal.open311_services import open311_client_issue, open311_request_close

BASE = "/open311/v2"


def issue_key(mini_city: MiniCity) -> str:
    from django.db import transaction

    with transaction.atomic():
        _, key = open311_client_issue(actor=mini_city.users[Role.PLATFORM_ADMIN], name="测试应用")
    return key


def inside(county: str = COUNTY_A) -> tuple[float, float, Grid]:
    grid = Grid.objects.filter(region__code__startswith=county).order_by("code").first()
    assert grid is not None
    return grid.centroid_lat, grid.centroid_lon, grid


def post(fields: dict[str, Any], fmt: str = "json", **headers: str) -> Any:
    return Client().post(f"{BASE}/requests.{fmt}", fields, **headers)


def test_services_in_json_and_xml(db: None) -> None:
    listed = json.loads(Client().get(f"{BASE}/services.json").content)
    codes = {s["service_code"] for s in listed}
    assert {"rep-pothole", "rep-streetlight", "rep-noise", "rep-hazard"} <= codes
    assert set(listed[0]) == {
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    }
    xml = xmltodict.parse(Client().get(f"{BASE}/services.xml").content)  # georeport's parser
    assert len(xml["services"]["service"]) == len(listed)
    assert xml["services"]["service"][0]["metadata"] == "false"
    definition = json.loads(Client().get(f"{BASE}/services/rep-hazard.json").content)
    assert definition == {"service_code": "rep-hazard", "attributes": []}


def test_unknown_things_answer_in_the_specifications_error_format(db: None) -> None:
    response = Client().get(f"{BASE}/services/no-such.json")
    assert response.status_code == 404
    assert json.loads(response.content) == [
        {"code": 404, "description": "service_code 'no-such' not found"}
    ]
    xml = xmltodict.parse(Client().get(f"{BASE}/requests/999.xml").content)
    assert xml["errors"]["error"]["code"] == "404"


def test_a_plain_post_creates_a_matter_in_the_right_grid(mini_city: MiniCity) -> None:
    key = issue_key(mini_city)
    lat, lon, grid = inside()
    response = post(
        {
            "api_key": key,
            "service_code": "rep-hazard",
            "lat": lat,
            "long": lon,
            "description": "井盖松动，电话13912345678",
            "address_string": "新华路",
        }
    )
    assert response.status_code == 201, response.content
    created = json.loads(response.content)
    assert set(created[0]) == {"service_request_id", "service_notice", "account_id"}
    application = Application.objects.get(pk=created[0]["service_request_id"])
    matter = Matter.objects.get(pk=application.pk)
    assert matter.grid == grid and matter.kind == "portal_report"
    assert matter.unit.kind == "governance_centre" and grid.region_id.startswith(
        matter.unit.region_id
    )
    assert matter.due_at is not None  # the promised 4 hours run on the flow clock
    shown = json.loads(Client().get(f"{BASE}/requests/{application.pk}.json").content)
    assert shown[0]["status"] == "open" and "13912345678" not in shown[0]["description"]
    token = json.loads(Client().get(f"{BASE}/tokens/{application.receipt}.json").content)
    assert token == [{"service_request_id": str(application.pk), "token": application.receipt}]


@pytest.mark.parametrize(
    ("fields", "status", "words"),
    [
        ({"service_code": "no-such"}, 400, "unknown service_code"),
        ({"lat": "10.0", "long": "10.0"}, 400, "outside the city"),
        ({"api_key": "wrong"}, 403, "api_key"),
        ({"lat": ""}, 400, "lat and long are required"),
        ({"long": "east"}, 400, "decimal degrees"),
    ],
)
def test_bad_requests_store_nothing(
    mini_city: MiniCity, fields: dict[str, str], status: int, words: str
) -> None:
    key = issue_key(mini_city)
    lat, lon, _ = inside()
    body = {"api_key": key, "service_code": "rep-hazard", "lat": lat, "long": lon} | fields
    rows = (Application.objects.count(), Matter.objects.count(), AuditEntry.objects.count())
    response = post(body)
    assert response.status_code == status
    error = json.loads(response.content)
    assert len(error) == 1 and error[0]["code"] == status and words in error[0]["description"]
    assert (Application.objects.count(), Matter.objects.count(), AuditEntry.objects.count()) == rows


def test_an_idempotency_key_files_a_retry_once(mini_city: MiniCity) -> None:
    key = issue_key(mini_city)
    lat, lon, _ = inside()
    body = {"api_key": key, "service_code": "rep-noise", "lat": lat, "long": lon}
    first = post(body, HTTP_IDEMPOTENCY_KEY="k-1")
    again = post(body, HTTP_IDEMPOTENCY_KEY="k-1")
    assert json.loads(first.content) == json.loads(again.content)
    assert Application.objects.count() == 1


def test_rate_limit_per_client(mini_city: MiniCity, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZHENGFA_PORTAL_LIMIT_CLIENT", "2")
    key = issue_key(mini_city)
    lat, lon, _ = inside()
    body = {"api_key": key, "service_code": "rep-noise", "lat": lat, "long": lon}
    assert [post(body).status_code for _ in range(3)] == [201, 201, 429]
    assert Application.objects.count() == 2


def test_query_and_close_by_the_centre_not_by_an_outsider(mini_city: MiniCity) -> None:
    key = issue_key(mini_city)
    lat, lon, _ = inside()
    created = post({"api_key": key, "service_code": "rep-hazard", "lat": lat, "long": lon})
    application = Application.objects.get(pk=json.loads(created.content)[0]["service_request_id"])
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        open311_request_close(
            actor=mini_city.outsiders[Role.CENTRE_OPERATOR], application=application, notes="x"
        )
    open311_request_close(
        actor=mini_city.users[Role.CENTRE_OPERATOR], application=application, notes="已加固"
    )
    closed = json.loads(Client().get(f"{BASE}/requests.json?status=closed").content)
    assert [r["service_request_id"] for r in closed] == [str(application.pk)]
    assert closed[0]["status_notes"] == "已加固"
    assert json.loads(Client().get(f"{BASE}/requests.json?status=open").content) == []
    bad = Client().get(f"{BASE}/requests.json?start_date=yesterday")
    assert bad.status_code == 400 and "w3 format" in json.loads(bad.content)[0]["description"]


def test_only_a_platform_admin_issues_keys(mini_city: MiniCity) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        open311_client_issue(actor=mini_city.users[Role.CENTRE_OPERATOR], name="x")
    assert not Open311Client.objects.exists()


def test_the_openapi_document_lists_every_route(db: None) -> None:
    document = json.loads(Client().get(f"{BASE}/openapi.json").content)
    assert document["openapi"].startswith("3.1")
    assert set(document["paths"]) == {
        "/services.{format}",
        "/services/{service_code}.{format}",
        "/requests.{format}",
        "/requests/{service_request_id}.{format}",
        "/tokens/{token}.{format}",
    }
    assert document["servers"] == [{"url": "/open311/v2"}]
