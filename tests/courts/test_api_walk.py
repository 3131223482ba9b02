"""The same civil case through the API: a citizen files online, the registrar accepts, the
division president assigns, the judge tries it, the clerk serves and sends the appeal up,
the higher court registers it, and the party follows it on the public progress page."""

from __future__ import annotations

import base64
from datetime import date
from typing import Any

import pytest
import time_machine
from django.test import Client

from tests.courts.test_workflow import at
from tests.courts.world import Courts


def client(user: Any) -> Client:
    logged_in = Client()
    logged_in.force_login(user)
    return logged_in


def post(user: Any, path: str, body: dict[str, Any]) -> Any:
    response = client(user).post(f"/api/v1/courts/{path}", body, content_type="application/json")
    assert response.status_code in (200, 201), (path, response.content[:300])
    return response.json()


def step(user: Any, case_id: int, name: str, **extra: Any) -> Any:
    return post(user, f"cases/{case_id}/steps", {"step": name, **extra})


@pytest.mark.django_db
def test_a_civil_case_through_the_api(courts: Courts) -> None:
    with time_machine.travel(at(date(2025, 3, 3)), tick=False) as clock:
        filed = post(
            courts.citizen,
            "filings",
            {
                "court": courts.court.code,
                "procedure": "civil_ordinary",
                "cause_code": "C0001",
                "claims": "赔偿损失 35000 元",
                "parties": [
                    {"side": "plaintiff", "name": "张三丰", "phone": "13800138000"},
                    {"side": "defendant", "organisation": "鹤岗某某建材有限公司"},
                ],
            },
        )
        assert filed["stage"] == "review" and filed["due_on"] == "2025-03-10"
        accepted = post(courts.registrar, f"filings/{filed['id']}/decision", {"decision": "accept"})
        number, code = accepted["case_number"], accepted["verification_code"]
        case_id = client(courts.registrar).get("/api/v1/courts/cases").json()[0]["id"]
        post(
            courts.division_president,
            f"cases/{case_id}/assignment",
            {
                "mode": "manual",
                "division": courts.civil.pk,
                "presiding": courts.judges[0].pk,
                "members": [courts.judges[1].pk, courts.judges[2].pk],
                "reason": "重大复杂",
            },
        )
        judge = courts.judges[0]
        step(courts.clerk, case_id, "serve_complaint", on="2025-03-05")
        step(judge, case_id, "close_answer", on="2025-03-21")
        bad = client(judge).post(
            f"/api/v1/courts/cases/{case_id}/hearings",
            {"starts_at": "2025-03-22T09:00:00+08:00", "room": "一庭", "summoned_on": "2025-03-21"},
            content_type="application/json",
        )
        assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "starts_at"
        hearing = post(
            judge,
            f"cases/{case_id}/hearings",
            {
                "starts_at": "2025-03-26T09:00:00+08:00",
                "room": "一庭",
                "summoned_on": "2025-03-21",
                "seats": 10,
            },
        )
        clock.move_to(at(date(2025, 3, 26), 15))
        post(judge, f"hearings/{hearing['id']}/held", {})
        upload = post(
            judge,
            f"cases/{case_id}/dossier",
            {"name": "庭审笔录.txt", "content_base64": base64.b64encode("笔录".encode()).decode()},
        )
        assert upload["version"] == 1 and len(upload["sha256"]) == 64
        step(judge, case_id, "judgment", on="2025-04-08", outcome="判决 支持部分诉讼请求")
        step(courts.clerk, case_id, "serve_judgment", on="2025-04-10")
        detail = client(judge).get(f"/api/v1/courts/cases/{case_id}").json()
        defendant = next(p for p in detail["parties"] if p["side"] == "defendant")
        step(courts.clerk, case_id, "appeal", on="2025-04-20", appellant=defendant["id"])
        step(courts.clerk, case_id, "serve_appeal", on="2025-04-21")
        step(courts.clerk, case_id, "close_appeal_answer", on="2025-05-06")
        step(courts.clerk, case_id, "transfer", on="2025-05-08")
        clock.move_to(at(date(2025, 5, 9)))
        second = post(courts.higher_registrar, f"cases/{case_id}/receive-appeal", {})
    assert number == "（2025）黑0402民初1号" and second["number"] == "（2025）黑04民终1号"
    zipped = client(judge).get(f"/api/v1/courts/cases/{case_id}/dossier.zip")
    assert zipped.status_code == 200 and zipped["Content-Type"] == "application/zip"
    public = Client().get("/api/v1/courts/public/progress", {"number": number, "code": code})
    body = public.json()
    assert body["stage"] == "archive" and {p["name"] for p in body["parties"]} == {
        "张**",
        "鹤岗某某建材有限公司",
    }
    assert any("民终" in m["subject"] for m in body["messages"])
    outsider = client(courts.outsider).get(f"/api/v1/courts/cases/{case_id}")
    assert outsider.status_code == 404
