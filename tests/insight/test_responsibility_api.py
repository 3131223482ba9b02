"""The responsibility API: bad target input answers problem+json naming the field, and
nothing is written; a unit out of scope is the same 404 as a missing one."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from django.test import Client

from tests.insight.test_responsibility_pages import city_commission
from tests.insight.test_responsibility_scoring import YEAR, responsible_units
from tests.org.mini_city import MiniCity
from zhengfa.audit.models import AuditEntry
from zhengfa.insight.responsibility.models import Target
from zhengfa.insight.responsibility.services import scores_compute, targets_fill_defaults
from zhengfa.org.models import Unit
from zhengfa.org.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def units(mini_city: MiniCity) -> list[Unit]:
    return responsible_units(mini_city)


@pytest.fixture
def commission(db: None) -> Client:
    """The city's commission, logged in (logging in is audited: count after it)."""
    client = Client()
    client.force_login(city_commission())
    return client


def post(client: Client, unit: str, body: dict[str, Any]) -> Any:
    path = f"/api/v1/insight/responsibility/units/{unit}/{YEAR}/targets"
    return client.post(path, json.dumps(body), content_type="application/json")


def fields(response: Any) -> dict[str, str]:
    assert response["Content-Type"] == "application/problem+json"
    return {e["field"]: e["message"] for e in json.loads(response.content)["errors"]}


def test_out_of_range_values_are_named_field_by_field(
    units: list[Unit], commission: Client
) -> None:
    before = AuditEntry.objects.count()
    body = {"indicator": "hazard_on_time", "target_value": 101, "weight": 0, "tolerance": -1}
    answer = post(commission, units[1].code, body)
    assert answer.status_code == 422
    assert set(fields(answer)) == {"target_value", "weight", "tolerance"}
    assert not Target.objects.exists() and AuditEntry.objects.count() == before


def test_an_unknown_indicator_and_a_non_number_are_refused(
    units: list[Unit], commission: Client
) -> None:
    answer = post(commission, units[1].code, {"indicator": "x", "target_value": 1, "weight": 5})
    assert "one of: closed_within_limit" in fields(answer)["indicator"]
    answer = post(
        commission,
        units[1].code,
        {"indicator": "overdue", "target_value": "lots", "weight": 5},
    )
    assert answer.status_code == 422 and "target_value" in fields(answer)
    assert not Target.objects.exists()


def test_a_unit_out_of_scope_is_404_like_a_missing_one(
    units: list[Unit], mini_city: MiniCity
) -> None:
    county_a = Client()
    county_a.force_login(mini_city.users[Role.COMMISSION])
    body = {"indicator": "overdue", "target_value": 1, "weight": 5}
    assert post(county_a, units[1].code, body).status_code == 404  # county B's commission
    assert post(county_a, "230499-ZFW", body).status_code == 404
    assert not Target.objects.exists()


def test_the_report_shows_lines_with_their_computation(
    units: list[Unit], commission: Client
) -> None:
    targets_fill_defaults(actor=None, units=units, year=YEAR)
    scores_compute(year=YEAR, as_of=date(2026, 6, 30))
    body = json.loads(
        commission.get(f"/api/v1/insight/responsibility/units/{units[0].code}/{YEAR}").content
    )
    assert body["unit_code"] == units[0].code and len(body["lines"]) == 7
    overdue = next(line for line in body["lines"] if line["indicator"] == "overdue")
    assert overdue["actual"] == "0.00" and overdue["computation"].startswith("达标 met")


def test_a_year_out_of_range_is_named(units: list[Unit], commission: Client) -> None:
    base = "/api/v1/insight/responsibility"
    for path in (f"{base}/scores?year=99999999999", f"{base}/units/{units[0].code}/1"):
        answer = commission.get(path)
        assert answer.status_code == 422, path
        assert "year" in fields(answer)
