"""The police endpoints' rows for the role × endpoint matrix (tests/api/test_matrix.py).

In the matrix's world the home grid gets a beat of the home station; the home officer
records a burglary there and a citizen's noise report is diverted to the home county's
department; the station has a roster. For every operation: anonymous callers get 401
(the fraud lookup is public and answers them); the away outsider gets 404 for the home
objects, a list without them, or a refusal, and changes no row; the home officer (or the
department's liaison for referrals) gets an answer to reads.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.test import Client

from zhengfa.flow.common import legal_day, now
from zhengfa.org.models import Grid, PoliceBeat, Unit, User
from zhengfa.org.roles import Role
from zhengfa.police.models import Roster, Shift, TriageRule
from zhengfa.police.services.intake import Report, incident_receive

TITLE = "矩阵入室盗窃"
OPERATIONS = (
    ("POST", "incidents"),
    ("GET", "incidents"),
    ("POST", "incidents/{incident_id}/{step}"),
    ("GET", "referrals"),
    ("POST", "referrals/{referral_id}/close"),
    ("GET", "fraud/lookup"),
    ("POST", "fraud/reports"),
    ("GET", "rosters/{roster_id}/map"),
)


def _point(world: Any) -> tuple[float, float]:
    grid = world.home.grid
    return grid.centroid_lon, grid.centroid_lat


def _home(world: Any) -> dict[str, int]:
    station = Unit.objects.get(code=f"P{world.home.township}")
    beat = PoliceBeat.objects.create(
        code="MATRIX-J1", name="矩阵警格", station=station, region_id=world.home.township
    )
    Grid.objects.filter(pk=world.home.grid.pk).update(beat=beat)
    TriageRule.objects.create(
        name="噪声", keywords="噪音", target="department", unit_code=f"D{world.home.county}"
    )
    lon, lat = _point(world)
    officer = world.users[Role.POLICE_OFFICER]
    incident = incident_receive(actor=officer, report=Report("call", "criminal", TITLE, lon, lat))
    citizen = User.objects.create(username="matrix-citizen", role=Role.CITIZEN)
    citizen.region_id = world.home.village
    citizen.save()
    noise = incident_receive(
        actor=citizen, report=Report("online", "non_police", "矩阵噪音扰民", lon, lat)
    )
    roster = Roster.objects.create(
        station=station,
        starts_on=legal_day(),
        created_by=officer,
        created_at=now(),
        expected_coverage=0.5,
        solver_status="OPTIMAL",
        solve_seconds=1.0,
    )
    Shift.objects.create(
        roster=roster, officer=officer, day=legal_day(), start_hour=0, hours=4, beat=beat
    )
    return {"incident_id": incident.pk, "referral_id": noise.pk, "roster_id": roster.pk}


def _rows() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


def _body(world: Any, tail: str) -> dict[str, Any]:
    lon, lat = _point(world)
    bodies: dict[str, dict[str, Any]] = {
        "incidents": {
            "channel": "call",
            "category": "criminal",
            "description": "x",
            "lon": lon,
            "lat": lat,
        },
        "close": {"outcome": "x"},
        "reports": {
            "scam_type": "loan",
            "description": "x",
            "contacts": [{"kind": "phone", "value": "13812345678"}],
        },
    }
    return bodies.get(tail, {})


def _call(world: Any, client: Client, method: str, path: str) -> Any:
    if method == "GET":
        query = {"kind": "phone", "value": "13812345678"} if path.endswith("lookup") else {}
        return client.get(path, query)
    tail = path.rstrip("/").rsplit("/", 1)[-1]
    body = json.dumps(_body(world, tail))
    return client.post(path, body, content_type="application/json")


def _concrete(path: str, ids: dict[str, int]) -> str:
    path = path.replace("{step}", "dispatch")
    return re.sub(r"\{([^}]+)\}", lambda m: str(ids[m.group(1)]), path)


def check(method: str, tail: str) -> Callable[[Any, str], None]:
    def run(world: Any, path: str) -> None:
        ids = _home(world)
        concrete = _concrete(path, ids)
        outsider = world.client_for("outsider")  # logging in writes a session row
        before = _rows()
        anonymous = _call(world, Client(), method, concrete)
        if tail == "fraud/lookup":
            assert anonymous.status_code == 200 and anonymous.json()["reports"] == 0
            return
        assert anonymous.status_code == 401, path
        answer = _call(world, outsider, method, concrete)
        if "{" in path:
            assert answer.status_code == 404, (path, answer.content[:200])
        elif method == "GET":
            assert answer.status_code == 200, (path, answer.content[:200])
            assert (
                TITLE not in answer.content.decode() and "矩阵噪音" not in answer.content.decode()
            )
        else:
            assert answer.status_code == 403, (path, answer.content[:200])
        assert _rows() == before, path
        if method == "GET":
            reader = Role.DEPT_LIAISON if tail == "referrals" else Role.POLICE_OFFICER
            answer = world.client_for(reader).get(concrete)
            assert answer.status_code == 200, (reader, path, answer.content[:200])
            shown = json.dumps(answer.json(), ensure_ascii=False)
            expected = {"incidents": TITLE, "referrals": "矩阵噪音"}.get(tail, "矩阵警格")
            assert expected in shown, (reader, path)

    return run
