"""Schemathesis against both OpenAPI documents, in-process on the WSGI app.

Every operation of ``/api/v1/openapi.json`` is fuzzed as the anonymous public and as
each role (its ``Authorization: Token`` header), with valid (positive) and invalid
(negative) data; every built-in check is on. Every operation of the Open311 GeoReport v2
document is fuzzed anonymously and with a valid ``api_key``. Writes land in the test
database and vanish with it.

Bounds: ``ZHENGFA_FUZZ_EXAMPLES`` examples per operation and mode (default 3 on SQLite,
2 on PostgreSQL, where every caller runs and the pass must stay a few minutes on two
cores). The SQLite pass fuzzes four callers, the PostgreSQL pass all of them
(``slow``). ``bench/bench_fuzz.py`` runs the same tests with many more examples and
records the counts it gets back through ``ZHENGFA_FUZZ_REPORT``.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.core.failures import FailureGroup

from tests.api.conftest import World
from zhengfa.org.roles import Role
from zhengfa.portal.open311_services import open311_client_issue

# A schema-valid value can still name nothing (an unknown court or service code, a region
# that is not a GB/T 2260 code): /api/v1/ answers 422 with the field path and Open311
# answers 400 as its specification says, so positive data may be refused with those too.
REFUSALS = ["2xx", "401", "403", "404", "409", "429"]


def _config(refused_as: str, **extra: Any) -> Any:
    checks = {"positive_data_acceptance": {"expected-statuses": [*REFUSALS, refused_as]}}
    return schemathesis.Config.from_dict({"checks": checks, **extra})


PROBLEM = "application/problem+json"


def _examples() -> int:
    on_postgres = "postgresql" in str(django_settings.DATABASES["default"]["ENGINE"])
    return int(os.environ.get("ZHENGFA_FUZZ_EXAMPLES") or (2 if on_postgres else 3))


@dataclass
class Tally:
    """What one fuzz run sent and got back, and every distinct failure it found."""

    calls: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    failures: dict[str, str] = field(default_factory=dict)
    unsatisfiable: list[str] = field(default_factory=list)

    def fail(self, label: str, message: str) -> None:
        self.failures.setdefault(f"{label}: {message.splitlines()[0][:200]}", message)

    def record(self, document: str, caller: str) -> None:
        report = os.environ.get("ZHENGFA_FUZZ_REPORT")
        if not report:
            return
        row = {"document": document, "caller": caller, "calls": self.calls}
        row |= {"statuses": dict(self.statuses), "failures": len(self.failures)}
        with Path(report).open("a", encoding="utf-8") as out:
            out.write(json.dumps(row) + "\n")


def _header(response: Any, name: str) -> str:
    values = {key.lower(): value for key, value in response.headers.items()}.get(name, [""])
    return str(values[0] if isinstance(values, list) else values)


def _error_format_check(tally: Tally, label: str, response: Any, api_error: bool) -> None:
    """/api/v1/ errors are problem+json; Open311 errors are the GeoReport error list."""
    if response.status_code < 400:
        return
    content_type = _header(response, "content-type")
    if api_error:
        body = json.loads(response.content)
        if not content_type.startswith(PROBLEM) or body.get("status") != response.status_code:
            tally.fail(label, f"error {response.status_code} is not problem+json: {content_type}")
    elif content_type.startswith("application/json"):
        body = json.loads(response.content)
        if not (isinstance(body, list) and body and {"code", "description"} <= set(body[0])):
            tally.fail(label, f"Open311 error {response.status_code} not in GeoReport format")


def _fuzz(schema: Any, headers: dict[str, str], api_errors: bool) -> Tally:
    tally = Tally()
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _fuzz_operation(operation, mode, headers, api_errors, tally)
    return tally


def _fuzz_operation(
    operation: Any, mode: GenerationMode, headers: dict[str, str], api: bool, tally: Tally
) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @hypothesis_settings(
        max_examples=_examples(),
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        tally.calls += 1
        try:
            response = case.call_and_validate(headers=headers)
        except FailureGroup as group:
            tally.fail(operation.label, str(group))
            return
        tally.statuses[response.status_code] += 1
        _error_format_check(tally, operation.label, response, api)

    try:
        run()
    except Unsatisfiable:
        # Nothing of this mode can be generated (no parameter can be made invalid).
        tally.unsatisfiable.append(f"{operation.label} ({mode.value})")


def _assert_clean(tally: Tally) -> None:
    assert tally.calls > 0
    assert not tally.failures, "\n\n".join(tally.failures.values())


@pytest.fixture
def wsgi_app() -> Iterator[Any]:
    """The WSGI app, called without Django's per-request connection clean-up, as the test
    Client does: it would close the test's connection mid-transaction on PostgreSQL."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield get_wsgi_application()
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


# Every caller is fuzzed in the PostgreSQL pass; the SQLite pass keeps it to the public, the
# outsider and two roles of opposite reach, so `make test` stays within minutes on 2 cores.
SQLITE_CALLERS = {"anonymous", "outsider", Role.COMMISSION, Role.CITIZEN}
CALLERS = [
    caller if caller in SQLITE_CALLERS else pytest.param(caller, marks=pytest.mark.slow)
    for caller in ["anonymous", *Role.values, "outsider"]
]


@pytest.mark.django_db
@pytest.mark.parametrize("caller", CALLERS)
def test_api_v1_survives_fuzzing(caller: str, tokens: dict[str, str], wsgi_app: Any) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_app, config=_config("422"))
    # Real clients inflate gzip; the in-process transport does not, so ask for none.
    headers = {"Accept-Encoding": "identity"}
    if caller != "anonymous":
        headers["Authorization"] = tokens[caller]
    tally = _fuzz(schema, headers, api_errors=True)
    tally.record("api/v1", caller)
    _assert_clean(tally)


@pytest.mark.django_db
@pytest.mark.parametrize("with_key", [False, True], ids=["anonymous", "api_key"])
def test_open311_survives_fuzzing(with_key: bool, world: World, wsgi_app: Any) -> None:
    config = _config("400")
    if with_key:
        admin = world.users[Role.PLATFORM_ADMIN]
        _, key = open311_client_issue(actor=admin, name="fuzzer")
        config = _config("400", parameters={"body.api_key": key})
    schema = schemathesis.openapi.from_wsgi("/open311/v2/openapi.json", wsgi_app, config=config)
    tally = _fuzz(schema, {}, api_errors=False)
    tally.record("open311/v2", "api_key" if with_key else "anonymous")
    _assert_clean(tally)
