"""The disputes endpoints' rows for the role × endpoint matrix (tests/api/test_matrix.py).

In the matrix's world a home dispute is reported by the home grid worker and routed to
the home village committee. For every operation: anonymous callers get 401; the away
outsider gets 404 for the home objects (or a list without them) and changes no row; the
home holder gets an answer to reads.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.test import Client

from zhengfa.disputes.defaults import defaults_ensure
from zhengfa.disputes.services.intake import PartyInput, dispute_report
from zhengfa.org.models import RegionLevel, Unit, UnitKind
from zhengfa.org.roles import Role

OPERATIONS = (
    ("GET", "categories"),
    ("GET", ""),
    ("POST", ""),
    ("GET", "{dispute_id}"),
    ("POST", "{dispute_id}/route"),
    ("POST", "{dispute_id}/escalate"),
    ("POST", "{dispute_id}/outcome"),
    ("POST", "{dispute_id}/visits"),
    ("POST", "{dispute_id}/confirmation"),
    ("GET", "confirmations/"),
    ("POST", "confirmations/{confirmation_id}/accept"),
    ("POST", "confirmations/{confirmation_id}/decide"),
    ("POST", "analyses"),
    ("POST", "tasks/{task_id}/reply"),
    ("POST", "tasks/{task_id}/review"),
    ("POST", "petitions"),
    ("GET", "petitions/{petition_id}"),
    ("POST", "petitions/{petition_id}/take-ownership"),
)
BODIES: dict[str, dict[str, Any]] = {
    "escalate": {"note": "x"},
    "outcome": {"outcome": "failed", "referral": "litigation"},
    "visits": {"satisfaction": 3},
    "decide": {"confirmed": True},
    "analyses": {"topic": "x", "decision": "x", "departments": []},
    "reply": {"text": "x"},
    "review": {"accept": True},
    "petitions": {"form": "letter", "complainant_name": "某某", "request": "x"},
    "take-ownership": {"reason": "x"},
    "route": {},
    "disputes": {"category": "other", "severity": "general", "description": "x"},
}


def _home_dispute(world: Any) -> int:
    defaults_ensure()
    Unit.objects.get_or_create(
        code=f"Z{world.home.village}",
        defaults={
            "name": "home centre",
            "kind": UnitKind.GOVERNANCE_CENTRE,
            "level": RegionLevel.VILLAGE,
            "region_id": world.home.village,
        },
    )
    dispute = dispute_report(
        actor=world.users[Role.GRID_WORKER],
        channel="grid",
        category="other",
        severity="general",
        description="矩阵纠纷",
        grid_code=world.home.grid.code,
        parties=[PartyInput(name="矩阵甲")],
    )
    return dispute.pk


def _rows() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


def _call(client: Client, method: str, path: str) -> Any:
    if method == "GET":
        return client.get(path)
    tail = path.rstrip("/").rsplit("/", 1)[-1]
    body = BODIES.get(tail, {})
    return client.post(path, json.dumps(body), content_type="application/json")


def check(method: str, tail: str) -> Callable[[Any, str], None]:
    def run(world: Any, path: str) -> None:
        pk = _home_dispute(world)
        concrete = re.sub(r"\{[^}]+\}", str(pk), path)
        outsider = world.client_for("outsider")  # logging in writes a session row
        before = _rows()
        assert _call(Client(), method, concrete).status_code == 401, path
        answer = _call(outsider, method, concrete)
        if "{" in path:
            assert answer.status_code == 404, (path, answer.content[:200])
        elif method == "GET":
            assert answer.status_code == 200 and "矩阵纠纷" not in answer.content.decode()
        else:  # a create: nothing of the home side is reachable, nothing half-written
            assert answer.status_code in (403, 422, 201), (path, answer.content[:200])
        if answer.status_code != 201:
            assert _rows() == before, path
        if method == "GET" and "{dispute_id}" in path or tail == "":
            holder = world.client_for(Role.GRID_WORKER)
            assert holder.get(concrete if method == "GET" else path).status_code == 200

    return run
