"""The hazards endpoints' rows for the role × endpoint matrix (tests/api/test_matrix.py).

In the matrix's world the home commission runs a fire campaign and the home grid worker
finds a hazard in the home grid. For every operation: anonymous callers get 401; the away
outsider gets 404 for the home objects (or an answer without them) and changes no row;
the home grid worker and commission get an answer to reads.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.apps import apps
from django.test import Client

from zhengfa.flow.common import legal_day
from zhengfa.hazards.models import CheckResult
from zhengfa.hazards.services.campaigns import campaign_create
from zhengfa.hazards.services.inspections import CheckInput, FindingInput, inspection_record
from zhengfa.org.roles import Role

TITLE = "矩阵隐患"
OPERATIONS = (
    ("GET", "themes"),
    ("GET", "campaigns"),
    ("POST", "campaigns"),
    ("GET", "campaigns/{campaign_id}"),
    ("POST", "campaigns/{campaign_id}/inspections"),
    ("GET", ""),
    ("GET", "{hazard_id}"),
    ("POST", "{hazard_id}/rectify"),
    ("POST", "{hazard_id}/verify"),
    ("GET", "ledger"),
    ("GET", "ledger/entries"),
    ("GET", "map"),
)
BODIES: dict[str, dict[str, Any]] = {
    "campaigns": {
        "theme": "fire",
        "name": "x",
        "region": "230402",
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
        "lead_unit": "D230402",
    },
    "inspections": {"grid": "23040200100101", "site": "x", "checks": []},
    "rectify": {"version": 1, "measures": "x", "photos": []},
    "verify": {"version": 2, "passed": True},
}


def _home(world: Any) -> tuple[int, int]:
    from tests.hazards.conftest import seed_themes_and_limits

    seed_themes_and_limits()
    today = legal_day()
    campaign = campaign_create(
        actor=world.users[Role.COMMISSION],
        theme="fire",
        name="矩阵消防专项",
        region_code=world.home.county,
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=30),
        lead_unit=f"D{world.home.county}",
    )
    items = list(campaign.items.all())
    grid = world.home.grid
    inspection = inspection_record(
        actor=world.users[Role.GRID_WORKER],
        campaign=campaign,
        grid_code=grid.code,
        site="矩阵超市",
        checks=[CheckInput(i.pk, CheckResult.OK) for i in items],
        findings=[
            FindingInput(
                severity="major",
                description=TITLE,
                responsible_party="矩阵超市",
                lon=grid.centroid_lon,
                lat=grid.centroid_lat,
            )
        ],
    )
    return campaign.pk, inspection.hazards.get().pk


def _rows() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


def _call(client: Client, method: str, path: str) -> Any:
    if method == "GET":
        return client.get(path)
    tail = path.rstrip("/").rsplit("/", 1)[-1]
    body = BODIES.get(tail, {})
    return client.post(path, json.dumps(body), content_type="application/json")


def _concrete(path: str, campaign: int, hazard: int) -> str:
    path = path.replace("{campaign_id}", str(campaign))
    return re.sub(r"\{[^}]+\}", str(hazard), path)


def check(method: str, tail: str) -> Callable[[Any, str], None]:
    def run(world: Any, path: str) -> None:
        campaign, hazard = _home(world)
        concrete = _concrete(path, campaign, hazard)
        outsider = world.client_for("outsider")  # logging in writes a session row
        before = _rows()
        assert _call(Client(), method, concrete).status_code == 401, path
        answer = _call(outsider, method, concrete)
        if "{" in path:
            assert answer.status_code == 404, (path, answer.content[:200])
        elif method == "GET":
            assert answer.status_code == 200, (path, answer.content[:200])
            assert (
                TITLE not in answer.content.decode() and "矩阵消防" not in answer.content.decode()
            )
        else:  # a campaign in another county: refused, nothing half-written
            assert answer.status_code in (403, 422), (path, answer.content[:200])
        assert _rows() == before, path
        if method == "GET":
            for role in (Role.GRID_WORKER, Role.COMMISSION):
                answer = world.client_for(role).get(concrete)
                assert answer.status_code == 200, (role, path, answer.content[:200])

    return run
