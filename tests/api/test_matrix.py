"""Every API operation × anonymous and every role × inside and outside the role's scope.

The operations come from the OpenAPI schema, so an endpoint added anywhere is walked
automatically; it needs one row in ``EXPECTED`` saying who sees what, and the test fails
until it has one. For each call the matrix checks the status, that an object outside
the caller's scope is absent from lists and answers the same 404 as a missing one, and
that a denied call changed no row anywhere (audit log included).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import pytest
from django.apps import apps
from django.test import Client

from tests.api.conftest import PASSWORD, Side, World
from tests.courts import matrix_rows as courts_rows
from tests.disputes import matrix_rows as disputes_rows
from tests.flow import matrix_rows as flow_rows
from tests.hazards import matrix_rows as hazards_rows
from tests.insight import matrix_rows as dashboards_rows
from tests.insight import matrix_rows_alerts as alerts_rows
from tests.insight import matrix_rows_map as map_rows
from tests.insight import matrix_rows_responsibility as responsibility_rows
from tests.police import matrix_rows as police_rows
from zhengfa.api import api
from zhengfa.org.roles import Role

ROLES: list[str] = list(Role.values)
OWN_ROLES = frozenset({Role.GRID_WORKER, Role.CITIZEN})
ALL_ROLES = frozenset(ROLES)


def _codes_of_list(body: Any) -> set[str]:
    return {item["code"] for item in body}


def _codes_of_features(body: Any) -> set[str]:
    return {feature["id"] for feature in body["features"]}


@dataclass(frozen=True)
class Expect:
    """Who may do what with one operation, in the world of ``conftest``.

    ``kind``: ``self`` (about the caller only), ``list`` (a scoped list), ``detail``
    (one scoped object named in the path), ``public`` (open to anonymous callers) or
    ``custom``; the last two bring their own ``check``, run once, which must cover the
    anonymous caller, the outsider and an allowed caller. ``sees``: roles that reach the
    home side's object; nobody but the platform admin reaches the away side's. ``code``
    names a side's object (it fills the path parameter); ``codes`` reads the codes out
    of a list response; ``body`` is the JSON sent to a write operation, valid so that
    only scope decides the answer.
    """

    kind: Literal["self", "list", "detail", "public", "custom"]
    sees: frozenset[str] = ALL_ROLES
    code: Callable[[Side], str] | None = None
    codes: Callable[[Any], set[str]] | None = None
    check: Callable[[World, str], None] | None = None
    body: Callable[[Side], dict[str, Any]] | None = None


def _token_check(world: World, path: str) -> None:
    """Anyone may ask; only the right password gets a token, for that user only."""
    wrong = _call(Client(), "post", path, {"username": Role.JUDGE, "password": "nope"})
    assert wrong.status_code == 401
    right = _call(Client(), "post", path, {"username": Role.JUDGE, "password": PASSWORD})
    assert right.status_code == 201
    assert json.loads(right.content)["username"] == Role.JUDGE


def _region(side: Side) -> str:
    return side.village


def _grid(side: Side) -> str:
    return side.grid.code


def _unit(side: Side) -> str:
    return side.unit.code


REFERENCE_SEERS = ALL_ROLES - OWN_ROLES

EXPECTED: dict[str, Expect] = {
    "GET /api/v1/me": Expect("self"),
    "GET /api/v1/regions": Expect("list", REFERENCE_SEERS, _region, _codes_of_list),
    "GET /api/v1/regions/{code}": Expect("detail", REFERENCE_SEERS, _region),
    "GET /api/v1/grids": Expect("list", ALL_ROLES - {Role.CITIZEN}, _grid, _codes_of_features),
    "GET /api/v1/grids/{code}": Expect("detail", ALL_ROLES - {Role.CITIZEN}, _grid),
    "GET /api/v1/units": Expect("list", REFERENCE_SEERS, _unit, _codes_of_list),
    "GET /api/v1/units/{code}": Expect("detail", REFERENCE_SEERS, _unit),
    "POST /api/v1/auth/token": Expect("public", check=_token_check),
}
# The flow engine's operations bring their own checks (tests/flow/matrix_rows.py).
EXPECTED.update(
    {
        f"{method} /api/v1/flow/{path}": Expect("custom", check=flow_rows.check(method))
        for method, path in (
            ("GET", "matters/mine"),
            ("GET", "matters/overdue"),
            ("GET", "matters/{matter_id}"),
            ("PATCH", "matters/{matter_id}"),
            ("POST", "matters/{matter_id}/move"),
            ("GET", "approvals/inbox"),
            ("POST", "clocks/{clock_id}/approvals"),
            ("POST", "approvals/{approval_id}/decide"),
            ("POST", "approvals/{approval_id}/forward"),
            ("POST", "approvals/{approval_id}/external"),
            ("GET", "notices"),
        )
    }
)
# The courts' reference endpoints bring their own check (tests/courts/matrix_rows.py).
EXPECTED.update(
    {f"GET {path}": Expect("custom", check=courts_rows.check) for path in courts_rows.OPERATIONS}
)
EXPECTED.update(
    {op: Expect("custom", check=courts_rows.case_check(op)) for op in courts_rows.CASE_OPERATIONS}
)


# The disputes endpoints bring their own checks (tests/disputes/matrix_rows.py).
EXPECTED.update(
    {
        f"{method} /api/v1/disputes/{tail}": Expect(
            "custom", check=disputes_rows.check(method, tail)
        )
        for method, tail in disputes_rows.OPERATIONS
    }
)

# The hazards endpoints bring their own checks (tests/hazards/matrix_rows.py).
EXPECTED.update(
    {
        f"{method} /api/v1/hazards/{tail}": Expect("custom", check=hazards_rows.check(method, tail))
        for method, tail in hazards_rows.OPERATIONS
    }
)

# The one map's endpoints bring their own checks (tests/insight/matrix_rows_map.py).
EXPECTED.update(
    {
        f"GET /api/v1/insight/map/{tail}": Expect("custom", check=map_rows.check(tail))
        for tail in map_rows.OPERATIONS
    }
)
EXPECTED.update(
    {
        f"GET /api/v1/insight/confluence/{tail}": Expect("custom", check=map_rows.confluence_check)
        for tail in map_rows.CONFLUENCE_OPERATIONS
    }
)

# The trend alerts' endpoints bring their own checks (tests/insight/matrix_rows_alerts.py).
EXPECTED.update(
    {
        f"{method} /api/v1/insight/alerts{tail}": Expect(
            "custom", check=alerts_rows.check(method, tail)
        )
        for method, tail in alerts_rows.OPERATIONS
    }
)

# The role dashboards bring their own check (tests/insight/matrix_rows.py).
EXPECTED[dashboards_rows.OPERATION] = Expect("custom", check=dashboards_rows.check)

# The responsibility agreements bring their own checks (matrix_rows_responsibility.py).
EXPECTED.update(
    {
        f"{method} /api/v1/insight/responsibility{tail}": Expect(
            "custom", check=responsibility_rows.check(method, tail)
        )
        for method, tail in responsibility_rows.OPERATIONS
    }
)

# The police endpoints bring their own checks (tests/police/matrix_rows.py).
EXPECTED.update(
    {
        f"{method} /api/v1/police/{tail}": Expect("custom", check=police_rows.check(method, tail))
        for method, tail in police_rows.OPERATIONS
    }
)


def _operations() -> list[str]:
    schema = api.get_openapi_schema()
    return sorted(
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method in operations
    )


def _expectation(operation: str) -> Expect:
    if operation not in EXPECTED:  # one clear failure, in test_every_operation_has_...
        pytest.skip(f"no row in EXPECTED for {operation}")
    return EXPECTED[operation]


def _concrete(path: str, code: str) -> str:
    return re.sub(r"\{[^}]+\}", code, path)


def _call(client: Client, method: str, path: str, body: Any = None) -> Any:
    if method == "get":
        return client.get(path)
    return getattr(client, method)(path, body or {}, content_type="application/json")


def _row_counts() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


def _denied(
    client: Client, method: str, path: str, status: int, secret: str = "", body: Any = None
) -> None:
    """The call is refused with ``status``, mentions nothing secret and changes no row."""
    before = _row_counts()
    response = _call(client, method, path, body)
    assert response.status_code == status, (method, path, response.content[:200])
    assert response["Content-Type"] == "application/problem+json"
    if secret:
        assert secret not in response.content.decode()
    assert _row_counts() == before, (method, path)


def test_every_operation_has_an_expectation() -> None:
    operations = set(_operations())
    missing = sorted(operations - set(EXPECTED))
    stale = sorted(set(EXPECTED) - operations)
    assert not missing, f"add a row to EXPECTED in tests/api/test_matrix.py for {missing}"
    assert not stale, f"EXPECTED names operations that no longer exist: {stale}"


@pytest.mark.parametrize("operation", _operations())
def test_anonymous(world: World, operation: str) -> None:
    method, path = operation.split(" ", 1)
    expect = _expectation(operation)
    if expect.kind in ("public", "custom"):
        assert expect.check is not None
        expect.check(world, path)
        return
    concrete = _concrete(path, expect.code(world.home)) if expect.code else path
    body = expect.body(world.home) if expect.body else None
    _denied(Client(), method.lower(), concrete, 401, body=body)


def _role_walked() -> list[str]:
    """Operations walked role by role; custom and public rows run their own check once."""
    return [op for op in _operations() if op in EXPECTED and EXPECTED[op].kind not in CUSTOM]


CUSTOM = ("public", "custom")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation", _role_walked())
def test_role(world: World, operation: str, role: str) -> None:
    method, path = operation.split(" ", 1)
    expect = _expectation(operation)
    client = world.client_for(role)
    if expect.kind == "self":
        response = _call(client, method.lower(), path)
        assert response.status_code == 200
        assert json.loads(response.content)["username"] == world.users[role].username
        return
    assert expect.code is not None
    home, away = expect.code(world.home), expect.code(world.away)
    sees_away = role == Role.PLATFORM_ADMIN
    if expect.kind == "list":
        codes = _list_codes(client, method.lower(), path, expect)
        assert (home in codes) is (role in expect.sees), (role, path, home, codes)
        assert (away in codes) is sees_away, (role, path, away, codes)
        response = _call(world.client_for("outsider"), method.lower(), path)
        assert home not in response.content.decode(), "the outsider sees a home object"
        return
    _check_detail(client, method.lower(), path, expect, world.home, role in expect.sees)
    _check_detail(client, method.lower(), path, expect, world.away, sees_away)


def _list_codes(client: Client, method: str, path: str, expect: Expect) -> set[str]:
    response = _call(client, method, path)
    assert response.status_code == 200
    assert expect.codes is not None
    return expect.codes(json.loads(response.content))


def _check_detail(
    client: Client, method: str, path: str, expect: Expect, side: Side, sees: bool
) -> None:
    assert expect.code is not None
    code = expect.code(side)
    body = expect.body(side) if expect.body else None
    if sees:
        response = _call(client, method, _concrete(path, code), body)
        assert 200 <= response.status_code < 300, (path, code, response.content[:200])
    else:
        _denied(client, method, _concrete(path, code), 404, secret=code, body=body)
