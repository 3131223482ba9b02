"""Idempotency-Key on acknowledged writes: a retry returns the same answer and stores
nothing twice; a key reused for another body is refused (zhengfa.web.idempotency)."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from tests.disputes.conftest import (  # noqa: F401  (dc, media_in_tmp: fixtures)
    DisputeCity,
    _person,
    dc,
    media_in_tmp,
)
from tests.disputes.test_api import _report_body
from tests.org.mini_city import MiniCity
from tests.portal.test_open311 import inside, issue_key
from zhengfa.audit.models import AuditEntry
from zhengfa.disputes.models import Dispute
from zhengfa.org.roles import Role
from zhengfa.portal.models import Application
from zhengfa.web.models import IdempotentResponse

INTAKE = "/api/v1/disputes/"


def _logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _report(client: Client, body: dict[str, Any], key: str | None) -> Any:
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.post(INTAKE, json.dumps(body), content_type="application/json", **headers)


def test_a_retry_gets_the_same_answer_and_files_once(dc: DisputeCity) -> None:  # noqa: F811
    client = _logged_in(dc.grid_worker)
    body = _report_body(dc)
    first = _report(client, body, "intake-1")
    audit_rows = AuditEntry.objects.count()
    again = _report(client, body, "intake-1")
    assert first.status_code == again.status_code == 201, first.content
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert Dispute.objects.count() == 1
    assert AuditEntry.objects.count() == audit_rows


def test_without_a_key_each_post_is_a_new_write(dc: DisputeCity) -> None:  # noqa: F811
    client = _logged_in(dc.grid_worker)
    body = _report_body(dc)
    assert _report(client, body, None).status_code == 201
    assert _report(client, body, None).status_code == 201
    assert Dispute.objects.count() == 2
    assert not IdempotentResponse.objects.exists()


def test_a_key_reused_for_another_body_is_refused(dc: DisputeCity) -> None:  # noqa: F811
    client = _logged_in(dc.grid_worker)
    assert _report(client, _report_body(dc), "intake-2").status_code == 201
    other = _report(client, _report_body(dc, description="另一起纠纷"), "intake-2")
    assert other.status_code == 422
    assert other["Content-Type"] == "application/problem+json"
    problem = other.json()
    assert problem["errors"][0]["field"] == "Idempotency-Key"
    assert "different request" in problem["detail"]
    assert Dispute.objects.count() == 1


def test_a_refused_request_frees_its_key_for_the_corrected_one(dc: DisputeCity) -> None:  # noqa: F811
    client = _logged_in(dc.grid_worker)
    refused = _report(client, _report_body(dc, category="no-such-category"), "intake-3")
    assert refused.status_code == 422
    assert not IdempotentResponse.objects.exists()
    corrected = _report(client, _report_body(dc), "intake-3")
    assert corrected.status_code == 201
    assert Dispute.objects.count() == 1


def test_keys_of_different_callers_do_not_meet(dc: DisputeCity) -> None:  # noqa: F811
    body = _report_body(dc)
    mine = _report(_logged_in(dc.grid_worker), body, "same-key")
    colleague = _person("grid-worker-2", Role.GRID_WORKER, dc.grid_worker.unit)
    theirs = _report(_logged_in(colleague), body, "same-key")
    assert mine.status_code == 201
    assert theirs.status_code == 201 and "Idempotent-Replayed" not in theirs
    assert Dispute.objects.count() == IdempotentResponse.objects.count() == 2


def test_a_key_too_long_is_refused_before_anything_is_written(dc: DisputeCity) -> None:  # noqa: F811
    answer = _report(_logged_in(dc.grid_worker), _report_body(dc), "k" * 201)
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["field"] == "Idempotency-Key"
    assert not Dispute.objects.exists()


def test_open311_retry_and_reuse_answer_in_the_specifications_format(
    mini_city: MiniCity,
) -> None:
    key = issue_key(mini_city)
    lat, lon, _ = inside()
    body = {"api_key": key, "service_code": "rep-noise", "lat": lat, "long": lon}
    first = Client().post("/open311/v2/requests.json", body, HTTP_IDEMPOTENCY_KEY="o-1")
    again = Client().post("/open311/v2/requests.json", body, HTTP_IDEMPOTENCY_KEY="o-1")
    assert first.status_code == again.status_code == 201
    assert again.content == first.content and again["Idempotent-Replayed"] == "true"
    other = Client().post(
        "/open311/v2/requests.json", {**body, "description": "x"}, HTTP_IDEMPOTENCY_KEY="o-1"
    )
    assert other.status_code == 422
    assert other.json()[0]["code"] == 422
    assert Application.objects.count() == 1
