"""The one map's endpoints for the role × endpoint matrix (tests/api/test_matrix.py).

In the matrix's world an open hazard matter lies in the home grid. Anonymous callers get
401; the away outsider gets an answer without the home grid (no value, no outline) and
changes no row; the home commission and centre operator see the home grid.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.apps import apps
from django.test import Client

from zhengfa.flow.common import now
from zhengfa.flow.models import Matter
from zhengfa.insight.refresh import rebuild
from zhengfa.org.roles import Role

OPERATIONS = ("measures", "outlines", "service-points")
# Confluence answers lists that the world leaves empty: the check is scope and no writes.
CONFLUENCE_OPERATIONS = ("areas", "enterprises")
QUERY = {"measures": "?measure=open"}


def _home_matter(world: Any) -> None:
    grid = world.home.grid
    Matter.objects.create(
        kind="hazard",
        title="矩阵地图事项",
        region_id=grid.region_id,
        grid=grid,
        unit=world.home.unit,
        stage="handling",
        opened_at=now() - timedelta(days=1),
    )
    rebuild()  # the map reads the count tables


def _rows() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


def _home_codes(tail: str, body: Any, world: Any) -> set[str]:
    """The home side's identifiers found in one answer."""
    if tail == "measures":
        return set(body["values"]) & {world.home.grid.code}
    if tail == "outlines":
        return {f["id"] for f in body["features"]} & {world.home.grid.code}
    return {f["id"] for f in body["features"]} & {world.home.unit.code}


def check(tail: str) -> Callable[[Any, str], None]:
    def run(world: Any, path: str) -> None:
        _home_matter(world)
        url = path + QUERY.get(tail, "")
        outsider = world.client_for("outsider")  # logging in writes a session row
        before = _rows()
        assert Client().get(url).status_code == 401, path
        answer = outsider.get(url)
        assert answer.status_code == 200, (path, answer.content[:200])
        assert not _home_codes(tail, json.loads(answer.content), world), path
        assert _rows() == before, path
        for role in (Role.COMMISSION, Role.CENTRE_OPERATOR):
            seen = world.client_for(role).get(url)
            assert seen.status_code == 200, (role, path, seen.content[:200])
            assert _home_codes(tail, json.loads(seen.content), world), (role, path)

    return run


def confluence_check(world: Any, path: str) -> None:
    outsider = world.client_for("outsider")
    before = _rows()
    assert Client().get(path).status_code == 401, path
    assert outsider.get(path).status_code == 200, path
    assert _rows() == before, path
    for role in (Role.COMMISSION, Role.CENTRE_OPERATOR):
        assert world.client_for(role).get(path).status_code == 200, (role, path)
