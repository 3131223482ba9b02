"""The dashboards' rows for the role × endpoint matrix (tests/api/test_matrix.py).

In the matrix's world an open dispute lies in the home grid and the count tables are
rebuilt. Anonymous callers get 401; roles without a dashboard get the same 404 as an
unknown dashboard; the away outsider (a centre operator) gets the governance dashboard
without the home dispute and changes no row; the home commission and centre operator see it.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django.apps import apps
from django.test import Client

from zhengfa.flow.common import now
from zhengfa.flow.models import Matter
from zhengfa.insight.refresh import rebuild
from zhengfa.org.roles import Role

OPERATION = "GET /api/v1/insight/dashboards/{key}"


def _rows() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


def _open_disputes(answer: Any) -> int:
    body = json.loads(answer.content)
    return next(f["value"] for f in body["figures"] if f["key"] == "disputes_open")


def check(world: Any, path: str) -> None:
    grid = world.home.grid
    Matter.objects.create(
        kind="dispute",
        title="矩阵看板纠纷",
        region_id=grid.region_id,
        grid=grid,
        unit=world.home.unit,
        stage="handling",
        opened_at=now() - timedelta(days=1),
    )
    rebuild()
    governance = path.replace("{key}", "governance")
    outsider = world.client_for("outsider")  # logging in writes a session row
    judge = world.client_for(Role.JUDGE)
    before = _rows()
    assert Client().get(governance).status_code == 401
    answer = outsider.get(governance)
    assert answer.status_code == 200, answer.content[:200]
    assert _open_disputes(answer) == 0
    assert outsider.get(path.replace("{key}", "commission")).status_code == 404
    assert judge.get(governance).status_code == 404
    assert outsider.get(path.replace("{key}", "nothing")).status_code == 404
    assert _rows() == before
    for role in (Role.COMMISSION, Role.CENTRE_OPERATOR):
        seen = world.client_for(role).get(governance)
        assert seen.status_code == 200, (role, seen.content[:200])
        assert _open_disputes(seen) == 1, role
