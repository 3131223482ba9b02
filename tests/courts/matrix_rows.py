"""The courts endpoints' rows for the role × endpoint matrix (tests/api/test_matrix.py).

Case numbers and cause catalogues are public reference data for signed-in users: an
anonymous caller gets 401; every role, the away outsider included, gets the same answer.
"""

from __future__ import annotations

from typing import Any

from django.test import Client

QUERIES: dict[str, dict[str, str]] = {
    "/api/v1/courts/case-numbers/parse": {"text": "（2025）黑0402民初17号"},
    "/api/v1/courts/causes": {"kind": "administrative", "on": "2025-06-01"},
}
OPERATIONS = tuple(QUERIES)


def check(world: Any, path: str) -> None:
    query = QUERIES[path]
    assert Client().get(path, query).status_code == 401
    answers = set()
    for role in world.users:
        response = world.client_for(role).get(path, query)
        assert response.status_code == 200, (role, response.content[:200])
        answers.add(response.content)
    assert len(answers) == 1  # no role, and no outsider, sees anything different


# The case endpoints (zhengfa/courts/api_cases.py): one check each, in the matrix's world.
# A home case registered by the home registrar; anonymous callers get 401 (public pages
# answer them), the away outsider gets 404 / 403 / an empty answer and changes nothing,
# and a home court member reads what is theirs.
CASE_OPERATIONS = (
    "POST /api/v1/courts/filings",
    "POST /api/v1/courts/filings/{filing_id}/decision",
    "POST /api/v1/courts/filings/{filing_id}/material",
    "GET /api/v1/courts/cases",
    "GET /api/v1/courts/cases/{case_id}",
    "POST /api/v1/courts/cases/{case_id}/assignment",
    "POST /api/v1/courts/cases/{case_id}/steps",
    "POST /api/v1/courts/cases/{case_id}/receive-appeal",
    "POST /api/v1/courts/cases/{case_id}/hearings",
    "POST /api/v1/courts/hearings/{hearing_id}/held",
    "POST /api/v1/courts/cases/{case_id}/limit-requests",
    "POST /api/v1/courts/cases/{case_id}/dossier",
    "GET /api/v1/courts/cases/{case_id}/dossier.zip",
    "GET /api/v1/courts/supervision",
    "GET /api/v1/courts/public/progress",
    "GET /api/v1/courts/public/hearings",
)
BODIES: dict[str, dict[str, Any]] = {
    "filings": {"court": "C230402", "procedure": "civil_ordinary", "claims": "x", "parties": []},
    "decision": {"decision": "accept"},
    "material": {"note": "x"},
    "assignment": {"mode": "random", "division": 1},
    "steps": {"step": "serve_complaint"},
    "hearings": {"starts_at": "2030-01-07T09:00:00+08:00", "room": "x"},
    "limit-requests": {"kind": "extend", "reason_code": "special_circumstances", "detail": "x"},
    "dossier": {"name": "a.txt", "content_base64": "YQ=="},
}


def _home_case(world: Any) -> tuple[Any, str]:
    from zhengfa.courts.models import PartySide
    from zhengfa.courts.workflow import filing
    from zhengfa.org.models import Unit
    from zhengfa.org.roles import Role

    registrar = world.users[Role.COURT_REGISTRAR]
    submitted = filing.filing_submit(
        actor=registrar,
        court=Unit.objects.get(code=f"C{world.home.county}"),
        procedure="civil_ordinary",
        cause_code="",
        claims="矩阵案件",
        parties=[
            filing.PartyInput(side=PartySide.PLAINTIFF, organisation="甲公司"),
            filing.PartyInput(side=PartySide.DEFENDANT, organisation="乙公司"),
        ],
    )
    accepted = filing.filing_accept(actor=registrar, filing=submitted)
    return accepted.case, accepted.verification_code


def _rows() -> dict[str, int]:
    from django.apps import apps

    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


def _send(client: Client, method: str, path: str) -> Any:
    import json
    import re

    tail = re.sub(r"/\d+$", "", path).rstrip("/").rsplit("/", 1)[-1]
    if method == "GET":
        return client.get(path)
    return client.post(path, json.dumps(BODIES.get(tail, {})), content_type="application/json")


def case_check(operation: str) -> Any:
    import re

    from zhengfa.org.roles import Role

    method, path = operation.split(" ", 1)

    def run(world: Any, _: str) -> None:
        case, code = _home_case(world)
        concrete = re.sub(r"\{[^}]+\}", str(case.pk), path)
        if path.endswith("supervision"):
            concrete += "?start=2000-01-01&end=2099-12-31"
        if path.endswith("public/progress"):
            assert Client().get(path, {"number": case.number, "code": "0"}).status_code == 404
            answer = Client().get(path, {"number": case.number, "code": code})
            assert answer.status_code == 200 and answer.json()["parties"][0]["name"] == "甲公司"
            return
        if path.endswith("public/hearings"):
            assert Client().get(path).status_code == 200
            return
        outsider = world.client_for("outsider")
        before = _rows()
        assert _send(Client(), method, concrete).status_code == 401
        answer = _send(outsider, method, concrete)
        if "{" in path:
            assert answer.status_code == 404, (path, answer.content[:200])
        elif method == "POST":
            assert answer.status_code == 403, (path, answer.content[:200])
        else:
            assert answer.status_code == 200, (path, answer.content[:200])
            assert case.number not in answer.content.decode()
        assert _rows() == before, path
        if method == "GET":
            member = world.client_for(Role.JUDGE)
            reply = member.get(concrete)
            assert reply.status_code == 200, (concrete, reply.content[:200])

    return run
