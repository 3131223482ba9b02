"""The trend alerts' endpoints for the role × endpoint matrix (tests/api/test_matrix.py).

In the matrix's world one alert lies in the home village. Anonymous callers get 401; the
away outsider gets a list without it, 404 for it (as for a missing one) and changes no row;
people who see only their own matters (the grid worker) see no alert; the home commission
sees it, and — given a governance centre unit — turns it into a task list.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

from django.apps import apps
from django.test import Client

from zhengfa.flow.common import now
from zhengfa.insight.alerts.models import AlertTaskList, DetectionRun, TrendAlert
from zhengfa.org.models import RegionLevel, Unit, UnitKind, User
from zhengfa.org.roles import Role

OPERATIONS = (("GET", ""), ("GET", "/{alert_id}"), ("POST", "/{alert_id}/tasks"))
AREA_NAME = "矩阵预警社区"


def _home_alert(world: Any) -> TrendAlert:
    week = date(2026, 3, 30)
    run = DetectionRun.objects.create(week=week, ran_at=now(), alpha=0.05, control="fdr")
    return TrendAlert.objects.create(
        run=run,
        week=week,
        category="dispute",
        area_level="grid",
        area_code=world.home.grid.code,
        area_name=AREA_NAME,
        region_code=world.home.village,
        count=30,
        expected=5.0,
        upper=12,
        p_value=1e-8,
        score=5.6,
        level=0.001,
        baseline={},
        history={"first_week": "2026-W14", "counts": [30], "baseline": []},
        reason_zh="本周数量 30",
        reason_en="count 30",
    )


def _rows() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


def _body(unit_code: str) -> dict[str, Any]:
    return {"decision": "研判", "tasks": [{"unit_code": unit_code, "days": 5, "instruction": "x"}]}


def _call(client: Client, method: str, path: str, unit_code: str = "") -> Any:
    if method == "GET":
        return client.get(path)
    return client.post(path, json.dumps(_body(unit_code)), content_type="application/json")


def _names(response: Any) -> set[str]:
    body = json.loads(response.content)
    return {a["area_name"] for a in (body if isinstance(body, list) else [body])}


def check(method: str, tail: str) -> Callable[[Any, str], None]:
    def run(world: Any, path: str) -> None:
        alert = _home_alert(world)
        concrete = path.replace("{alert_id}", str(alert.pk))
        centre = Unit.objects.create(
            code="MATRIX-ZZZX",
            name="矩阵综治中心",
            kind=UnitKind.GOVERNANCE_CENTRE,
            level=RegionLevel.COUNTY,
            region_id=world.home.county,
        )
        outsider = world.client_for("outsider")  # logging in writes a session row
        grid_worker = world.client_for(Role.GRID_WORKER)
        before = _rows()
        assert _call(Client(), method, concrete, centre.code).status_code == 401, path
        for denied in (outsider, grid_worker):
            answer = _call(denied, method, concrete, centre.code)
            if "{" in path:
                assert answer.status_code == 404, (path, answer.content[:200])
            else:
                assert answer.status_code == 200 and AREA_NAME not in _names(answer)
        assert _rows() == before, path
        commission = world.users[Role.COMMISSION]
        User.objects.filter(pk=commission.pk).update(unit=centre)
        allowed = _call(world.client_for(Role.COMMISSION), method, concrete, centre.code)
        if method == "GET":
            assert allowed.status_code == 200 and AREA_NAME in _names(allowed)
        else:
            assert allowed.status_code == 201, allowed.content[:300]
            link = AlertTaskList.objects.get(alert=alert)
            assert json.loads(allowed.content)["analysis"] == link.analysis_id

    return run
