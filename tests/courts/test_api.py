"""/api/v1/courts/: a case number's parts or its problem; the catalogue in force."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client

from tests.courts.conftest import People

NOW = datetime(2026, 4, 17, 2, 0, tzinfo=UTC)


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


@time_machine.travel(NOW, tick=False)
def test_a_case_number_is_read_into_its_parts(people: People) -> None:
    response = _client(people.registrar).get(
        "/api/v1/courts/case-numbers/parse", {"text": "(2026)豫1502民初1234号"}
    )
    assert response.status_code == 200
    assert response.json() == {
        "text": "（2026）豫1502民初1234号",
        "year": 2026,
        "court_code": "豫1502",
        "special_code": "",
        "type_code": "民初",
        "type_name": "民事一审",
        "category": "civil",
        "court_level": "basic",
        "sequence": 1234,
    }


@time_machine.travel(NOW, tick=False)
def test_a_malformed_case_number_is_a_problem_naming_the_part(people: People) -> None:
    response = _client(people.registrar).get(
        "/api/v1/courts/case-numbers/parse", {"text": "（2027）豫1502民初1234号"}
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    [error] = response.json()["errors"]
    assert error["field"] == "text.year" and "future" in error["message"]


def test_anonymous_callers_get_401(db: None) -> None:
    client = Client()
    assert client.get("/api/v1/courts/case-numbers/parse", {"text": "x"}).status_code == 401
    assert (
        client.get("/api/v1/courts/causes", {"kind": "civil", "on": "2025-01-01"}).status_code
        == 401
    )


def test_the_catalogue_in_force_is_served_with_its_trust(people: People) -> None:
    client = _client(people.registrar)
    body = client.get("/api/v1/courts/causes", {"kind": "civil", "on": "2025-12-31"}).json()
    assert (body["version"], body["verified"], body["effective_to"]) == (
        "2020修正",
        False,
        "2025-12-31",
    )
    assert len(body["causes"]) == 927 and body["causes"][2]["code"] == "C0001"
    assert "未与官方文本核对" in body["label"]


@pytest.mark.parametrize(
    ("query", "status", "says"),
    [
        ({"kind": "civil", "on": "2026-01-05"}, 404, "No catalogue in force"),
        ({"kind": "military", "on": "2026-01-05"}, 422, "kind"),
        ({"kind": "civil", "on": "5.1.2026"}, 422, "on"),
    ],
)
def test_no_catalogue_or_bad_query_is_a_problem(
    people: People, query: dict[str, str], status: int, says: str
) -> None:
    response = _client(people.registrar).get("/api/v1/courts/causes", query)
    assert response.status_code == status
    assert says in response.content.decode()
