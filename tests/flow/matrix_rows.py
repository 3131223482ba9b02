"""The flow endpoints' rows for the role × endpoint matrix (tests/api/test_matrix.py).

One check per operation, in the matrix's world: a home matter owned by the home judge;
anonymous callers get 401, the away outsider gets a 404 (or an empty list) and changes
nothing, the owner gets an answer.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.test import Client

from zhengfa.flow.services.matters import matter_open
from zhengfa.org.models import Unit
from zhengfa.org.roles import Role

BODIES: dict[str, dict[str, Any]] = {
    "move": {"to_stage": "serve", "version": 1},
    "approvals": {"kind": "extend", "reason_code": "special_circumstances", "detail": "x"},
    "decide": {"decision": "approve"},
    "forward": {"note": "x"},
    "external": {
        "decision": "approve",
        "authority": "x",
        "document": "x",
        "decided_on": "2026-08-01",
    },
}


def _home_matter(world: Any) -> Any:
    from tests.flow.conftest import CIVIL  # noqa: F401  (registers the test kind)

    court = Unit.objects.get(code=f"C{world.home.county}")
    judge, registrar = world.users[Role.JUDGE], world.users[Role.COURT_REGISTRAR]
    return matter_open(
        actor=registrar,
        kind="test_civil",
        title="矩阵案件",
        region_code=world.home.county,
        unit=court,
        owner=judge,
    )


def _rows() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


def _call(client: Client, method: str, path: str) -> Any:
    tail = path.rstrip("/").rsplit("/", 1)[-1]
    body = json.dumps(BODIES.get(tail, {"title": "x", "version": 1}))
    if method == "GET":
        return client.get(path)
    return getattr(client, method.lower())(path, body, content_type="application/json")


def check(method: str) -> Callable[[Any, str], None]:
    def run(world: Any, path: str) -> None:
        matter = _home_matter(world)
        concrete = re.sub(
            r"\{[^}]+\}", str(matter.clocks.first().pk if "clock" in path else matter.pk), path
        )
        outsider = world.client_for("outsider")  # logging in writes a session row
        before = _rows()
        assert _call(Client(), method, concrete).status_code == 401
        answer = _call(outsider, method, concrete)
        if "{" in path:
            assert answer.status_code == 404, (path, answer.content[:200])
        else:
            assert answer.status_code == 200 and str(matter.title) not in answer.content.decode()
        assert _rows() == before, path
        if method == "GET":
            owner = world.client_for(Role.JUDGE)
            assert owner.get(concrete).status_code == 200

    return run
