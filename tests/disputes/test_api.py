"""The walk of issue 6 through the API, and the API's refusals (problem+json, nothing
written)."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from django.test import Client

from tests.disputes.conftest import DisputeCity, png_bytes
from zhengfa.audit.models import AuditEntry
from zhengfa.courts.models import CourtCase
from zhengfa.disputes.models import Dispute
from zhengfa.disputes.services.routing import disputes_escalate_overdue
from zhengfa.flow.models import Matter

SH = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 4, 6, 10, 0, tzinfo=SH)
BASE = "/api/v1/disputes"


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(f"{BASE}{path}", json.dumps(body), content_type="application/json")


def _report_body(dc: DisputeCity, **changes: Any) -> dict[str, Any]:
    body = {
        "channel": "grid",
        "category": "land_property",
        "severity": "general",
        "description": "宅基地边界争议",
        "amount": "30000",
        "lon": dc.grid.centroid_lon,
        "lat": dc.grid.centroid_lat,
        "parties": [{"name": "王五", "side": "applicant"}, {"name": "赵六", "side": "respondent"}],
        "photos": [{"name": "a.png", "data": base64.b64encode(png_bytes()).decode()}],
    }
    body.update(changes)
    return body


def test_the_walk_through_the_api(dc: DisputeCity) -> None:
    with time_machine.travel(START, tick=False):
        created = _post(_client(dc.grid_worker), "/", _report_body(dc))
    assert created.status_code == 201, created.content
    dispute = created.json()
    assert (dispute["way"], dispute["level"], dispute["grid"]) == (
        "by_place",
        "village",
        dc.grid.code,
    )
    assert dispute["decisions"][0]["rule"].startswith("#1000")
    assert dispute["parties"][0]["name"] == "王*"
    pk = dispute["id"]

    with time_machine.travel(START + timedelta(days=16), tick=False):
        assert disputes_escalate_overdue() == 1
    mediator = _client(dc.township_mediator)
    detail = mediator.get(f"{BASE}/{pk}").json()
    assert (
        detail["unit"] == dc.township_mediator.unit.name
        and detail["hops"][0]["reason"] == "overdue"
    )
    assert _client(dc.village_mediator).get(f"{BASE}/{pk}").status_code == 404  # handed on

    signed = {"name": "signed.pdf", "data": base64.b64encode(b"%PDF-1.4 signed").decode()}
    with time_machine.travel(START + timedelta(days=18), tick=False):
        done = _post(
            mediator,
            f"/{pk}/outcome",
            {"outcome": "agreement", "terms": "按界桩划界", "signed_copy": signed},
        )
        assert done.status_code == 200, done.content
        applied = _post(mediator, f"/{pk}/confirmation", {})
        assert applied.status_code == 201, applied.content
        cid = applied.json()["id"]
        registrar = _client(dc.registrar)
        assert [c["id"] for c in registrar.get(f"{BASE}/confirmations/").json()] == [cid]
        assert _post(registrar, f"/confirmations/{cid}/accept", {}).status_code == 200
        ruled = _post(
            _client(dc.judge),
            f"/confirmations/{cid}/decide",
            {"confirmed": True, "note": "协议合法有效"},
        )
    assert ruled.status_code == 200, ruled.content
    assert ruled.json()["status"] == "confirmed"
    case = CourtCase.objects.get(matter_id=ruled.json()["case"])
    assert ruled.json()["case_number"] == case.number and case.matter.stage == "confirmed"
    assert mediator.get(f"{BASE}/{pk}").json()["confirmation"] == "confirmed"
    visited = _post(mediator, f"/{pk}/visits", {"satisfaction": 4})
    assert visited.status_code == 201 and visited.json()["status"] == "closed"


def _unchanged(call: Any) -> Any:
    before = (Matter.objects.count(), Dispute.objects.count(), AuditEntry.objects.count())
    response = call()
    assert response["Content-Type"] == "application/problem+json"
    assert (Matter.objects.count(), Dispute.objects.count(), AuditEntry.objects.count()) == before
    return response


def test_bad_reports_are_refused_naming_the_field(dc: DisputeCity) -> None:
    worker = _client(dc.grid_worker)
    cases = {
        "location": _report_body(dc, lon=10.0, lat=10.0),
        "category": _report_body(dc, category="astrology"),
        "photos[0]": _report_body(
            dc, photos=[{"name": "x.png", "data": base64.b64encode(b"GIF89a not really").decode()}]
        ),
        "parties[1].phone": _report_body(
            dc, parties=[{"name": "甲"}, {"name": "乙", "side": "respondent", "phone": "12"}]
        ),
    }
    for field, body in cases.items():
        response = _unchanged(lambda body=body: _post(worker, "/", body))
        assert response.status_code == 422, (field, response.content)
        assert field in [e["field"] for e in response.json()["errors"]], response.json()
    anonymous = _unchanged(lambda: _post(Client(), "/", _report_body(dc)))
    assert anonymous.status_code == 401
    citizen = _client(dc.user("citizen"))
    citizen_on_grid = _unchanged(lambda: _post(citizen, "/", _report_body(dc)))
    assert citizen_on_grid.status_code == 403


def test_outsider_gets_404_and_changes_nothing(dc: DisputeCity) -> None:
    pk = _post(_client(dc.grid_worker), "/", _report_body(dc)).json()["id"]
    outsider = _client(dc.outsider)
    assert outsider.get(f"{BASE}/").json() == []
    for call in (
        lambda: outsider.get(f"{BASE}/{pk}"),
        lambda: _post(outsider, f"/{pk}/escalate", {"note": "x"}),
        lambda: _post(outsider, f"/{pk}/outcome", {"outcome": "failed", "referral": "litigation"}),
        lambda: _post(outsider, f"/{pk}/confirmation", {}),
    ):
        assert _unchanged(call).status_code == 404
