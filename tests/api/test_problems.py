"""Every error under /api/v1/ is problem+json, whatever produced it, and the schema says so."""

from __future__ import annotations

import json
import re

from django.test import Client, RequestFactory

from tests.api.conftest import World
from zhengfa.api import api
from zhengfa.audit.models import AuditEntry
from zhengfa.org.roles import Role
from zhengfa.web.middleware import ApiProblemMiddleware

PROBLEM = "application/problem+json"
PROBLEM_KEYS = {"type", "title", "status", "detail", "errors"}


def assert_problem(response: object, status: int) -> dict[str, object]:
    assert response.status_code == status  # type: ignore[attr-defined]
    assert response["Content-Type"] == PROBLEM  # type: ignore[index]
    body = json.loads(response.content)  # type: ignore[attr-defined]
    assert set(body) == PROBLEM_KEYS
    assert body["status"] == status
    return body


def test_anonymous_is_401(db: None) -> None:
    assert_problem(Client().get("/api/v1/me"), 401)


def test_unknown_url_under_the_api_is_404(world: World) -> None:
    client = world.client_for(Role.PLATFORM_ADMIN)
    body = assert_problem(client.get("/api/v1/no/such/thing"), 404)
    assert "/api/v1/no/such/thing" in str(body["detail"])
    assert_problem(Client().get("/api/v1/nothing-here"), 404)


def test_wrong_method_is_405_with_allow(world: World) -> None:
    response = world.client_for(Role.PLATFORM_ADMIN).delete("/api/v1/grids")
    assert_problem(response, 405)
    assert "GET" in response["Allow"]


def test_an_unhandled_exception_is_a_500_problem_without_internals(db: None) -> None:
    request = RequestFactory().get("/api/v1/grids")
    middleware = ApiProblemMiddleware(lambda request: None)  # type: ignore[arg-type,return-value]
    response = middleware.process_exception(request, RuntimeError("secret internals"))
    body = assert_problem(response, 500)
    assert "secret internals" not in json.dumps(body)


def test_pages_outside_the_api_keep_html_errors(db: None) -> None:
    response = Client().get("/no-such-page")
    assert response.status_code == 404
    assert not response["Content-Type"].startswith(PROBLEM)


def test_openapi_declares_problem_json_on_every_error(db: None) -> None:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert set(schema["components"]["schemas"]["Problem"]["required"]) == PROBLEM_KEYS
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            errors = {s: r for s, r in operation["responses"].items() if int(s) >= 400}
            assert {"422", "500"} <= set(errors), (method, path)
            for response_spec in errors.values():
                assert list(response_spec["content"]) == [PROBLEM], (method, path)
    grid_detail = schema["paths"]["/api/v1/grids/{code}"]["get"]["responses"]
    assert {"401", "404"} <= set(grid_detail)


def test_a_session_write_without_csrf_is_a_403_problem(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users[Role.JUDGE])
    before = AuditEntry.objects.count()
    response = client.post(_an_authenticated_post(), {}, content_type="application/json")
    assert_problem(response, 403)
    assert AuditEntry.objects.count() == before


def _an_authenticated_post() -> str:
    """Any POST operation that needs a login, its path parameters filled with 1."""
    paths = api.get_openapi_schema()["paths"]
    path = next(p for p, ops in paths.items() if ops.get("post", {}).get("security"))
    return re.sub(r"\{[^}]+\}", "1", path)
