"""The responsibility endpoints' rows for the role × endpoint matrix (tests/api/test_matrix.py).

In the matrix's world each county's commission (政法委) is a responsible unit with targets
and a stored score for 2026. Anonymous callers get 401; the away outsider gets a list
without the home unit, 404 for it (as for a missing one) and changes no row; the home
commission reads it but may not set its own commission's targets (403, nothing written);
the platform admin sets one.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

from django.apps import apps
from django.test import Client

from zhengfa.insight.responsibility.services import scores_compute, targets_fill_defaults
from zhengfa.org.models import RegionLevel, Unit, UnitKind
from zhengfa.org.roles import Role

YEAR = 2026
OPERATIONS = (
    ("GET", "/indicators"),
    ("GET", "/scores"),
    ("GET", "/units/{unit_code}/{year}"),
    ("POST", "/units/{unit_code}/{year}/targets"),
)
BODY = {"indicator": "overdue", "target_value": "2", "weight": 10}


def _home_unit(world: Any) -> Unit:
    units = [
        Unit.objects.create(
            code=f"{side.county}-ZFW",
            name=f"{side.county}政法委",
            kind=UnitKind.COMMISSION,
            level=RegionLevel.COUNTY,
            region_id=side.county,
            is_responsible_unit=True,
        )
        for side in (world.home, world.away)
    ]
    targets_fill_defaults(actor=None, units=units, year=YEAR)
    scores_compute(year=YEAR, as_of=date(2026, 6, 30))
    return units[0]


def _rows() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


def _call(client: Client, method: str, path: str) -> Any:
    if method == "GET":
        return client.get(path)
    return client.post(path, json.dumps(BODY), content_type="application/json")


def _concrete(path: str, unit: Unit) -> str:
    path = path.replace("{unit_code}", unit.code).replace("{year}", str(YEAR))
    return path + (f"?year={YEAR}" if path.endswith("/scores") else "")


def check(method: str, tail: str) -> Callable[[Any, str], None]:
    def run(world: Any, path: str) -> None:
        unit = _home_unit(world)
        concrete = _concrete(path, unit)
        outsider = world.client_for("outsider")  # logging in writes a session row
        commission = world.client_for(Role.COMMISSION)
        before = _rows()
        assert _call(Client(), method, concrete).status_code == 401, path
        answer = _call(outsider, method, concrete)
        if "{" in path:
            assert answer.status_code == 404, (path, answer.content[:200])
        else:
            assert answer.status_code == 200, (path, answer.content[:200])
            assert unit.code not in answer.content.decode()
        if method == "POST":
            assert _call(commission, method, concrete).status_code == 403  # its own agreement
        assert _rows() == before, path
        if method == "GET":
            answer = commission.get(concrete)
            assert answer.status_code == 200, (path, answer.content[:200])
            if tail != "/indicators":
                assert unit.code in answer.content.decode()
        else:
            answer = _call(world.client_for(Role.PLATFORM_ADMIN), method, concrete)
            assert answer.status_code == 200, (path, answer.content[:200])
            assert json.loads(answer.content)["target_value"] == "2.00"

    return run
