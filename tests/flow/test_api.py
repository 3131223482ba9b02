from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.flow.conftest import World, open_case
from zhengfa.audit.models import AuditEntry
from zhengfa.flow.common import legal_day
from zhengfa.flow.models import Approval, Matter
from zhengfa.org.models import User
from zhengfa.org.tokens import token_create

SH = ZoneInfo("Asia/Shanghai")


def _client(user: User) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Token {token_create(user=user)}")


def test_my_matters_sorted_by_urgency_and_outsider_sees_nothing(world: World) -> None:
    late = open_case(world, title="早立案")
    soon = open_case(world, title="新立案", on=legal_day())
    body = _client(world.judge).get("/api/v1/flow/matters/mine").json()
    assert [m["id"] for m in body] == [late.pk, soon.pk]
    assert body[0]["urgency"] == "overdue"
    assert _client(world.outsider).get("/api/v1/flow/matters/mine").json() == []
    assert _client(world.outsider).get(f"/api/v1/flow/matters/{late.pk}").status_code == 404
    board = _client(world.commission).get("/api/v1/flow/matters/overdue").json()
    assert [m["id"] for m in board] == [late.pk]


def test_matter_detail_has_timeline_and_explanation_with_etag(world: World) -> None:
    matter = open_case(world)
    response = _client(world.judge).get(f"/api/v1/flow/matters/{matter.pk}")
    assert response.status_code == 200 and response["ETag"] == '"1"'
    body = response.json()
    assert body["timeline"][0]["kind"].startswith("立项")
    assert any("civil" in s["citation"].lower() or s["citation"] for s in body["explain"])


def test_stale_patch_is_a_409_problem_and_changes_nothing(world: World) -> None:
    matter = open_case(world)
    judge = _client(world.judge)
    ok = judge.patch(
        f"/api/v1/flow/matters/{matter.pk}",
        json.dumps({"title": "改"}),
        content_type="application/json",
        HTTP_IF_MATCH='"1"',
    )
    assert ok.status_code == 200
    audits = AuditEntry.objects.count()
    stale = judge.patch(
        f"/api/v1/flow/matters/{matter.pk}",
        json.dumps({"title": "再改"}),
        content_type="application/json",
        HTTP_IF_MATCH='"1"',
    )
    assert stale.status_code == 409 and stale["Content-Type"] == "application/problem+json"
    assert stale.json()["errors"][0]["field"] == "version"
    assert Matter.objects.get(pk=matter.pk).title == "改" and AuditEntry.objects.count() == audits


def test_outsider_cannot_move_or_request(world: World) -> None:
    matter = open_case(world)
    clock = matter.clocks.get()
    outsider = _client(world.outsider)
    moved = outsider.post(
        f"/api/v1/flow/matters/{matter.pk}/move",
        json.dumps({"to_stage": "serve", "version": 1}),
        content_type="application/json",
    )
    asked = outsider.post(
        f"/api/v1/flow/clocks/{clock.pk}/approvals",
        json.dumps({"kind": "extend", "reason_code": "special_circumstances", "detail": "x"}),
        content_type="application/json",
    )
    assert (moved.status_code, asked.status_code) == (404, 404)
    assert Matter.objects.get(pk=matter.pk).stage == "filed" and not Approval.objects.exists()


@time_machine.travel(datetime(2026, 8, 1, 10, tzinfo=SH), tick=False)
def test_request_and_decide_through_the_api(world: World) -> None:
    with time_machine.travel(datetime(2026, 3, 2, 10, tzinfo=SH), tick=False):
        matter = open_case(world)
    clock = matter.clocks.get()
    made = _client(world.judge).post(
        f"/api/v1/flow/clocks/{clock.pk}/approvals",
        json.dumps({"kind": "extend", "reason_code": "nope", "detail": "x"}),
        content_type="application/json",
    )
    assert made.status_code == 422 and made.json()["errors"][0]["field"] == "reason_code"
    made = _client(world.judge).post(
        f"/api/v1/flow/clocks/{clock.pk}/approvals",
        json.dumps(
            {
                "kind": "extend",
                "reason_code": "special_circumstances",
                "detail": "复杂",
                "amount": 6,
                "unit": "months",
            }
        ),
        content_type="application/json",
    )
    assert made.status_code == 201
    approval_id = made.json()["id"]
    inbox = _client(world.president).get("/api/v1/flow/approvals/inbox").json()
    assert [a["id"] for a in inbox] == [approval_id]
    assert _client(world.outsider).get("/api/v1/flow/approvals/inbox").json() == []
    own = _client(world.judge).post(
        f"/api/v1/flow/approvals/{approval_id}/decide",
        json.dumps({"decision": "approve"}),
        content_type="application/json",
    )
    assert own.status_code == 403
    decided = _client(world.president).post(
        f"/api/v1/flow/approvals/{approval_id}/decide",
        json.dumps({"decision": "approve"}),
        content_type="application/json",
    )
    assert decided.json()["status"] == "approved"


@pytest.mark.parametrize("n", [3, 30])
def test_workbench_query_count_does_not_grow_with_matters(world: World, n: int) -> None:
    for i in range(n):
        open_case(world, title=f"案件{i}")
    client = Client()
    client.force_login(world.judge)
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/flow/")
    assert page.status_code == 200 and page.content.count(b"data-urgency=") == n
    # The session middleware's own reads and idle-expiry writes are not the page's.
    own = [q["sql"] for q in queries if '"django_session"' not in q["sql"]]
    assert len(own) <= 5, own


def test_matter_page_and_boards_render_for_insiders_only(world: World) -> None:
    matter = open_case(world)
    client = Client()
    client.force_login(world.judge)
    page = client.get(f"/flow/matters/{matter.pk}/")
    assert page.status_code == 200 and "CPL" in page.content.decode()
    client.force_login(world.outsider)
    assert client.get(f"/flow/matters/{matter.pk}/").status_code == 404
    for path in ("/flow/overdue/", "/flow/approvals/"):
        assert client.get(path).status_code == 200
