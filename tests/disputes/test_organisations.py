"""Organisation parties of disputes (an employer in a wage dispute): the unified social
credit code's check (GB 32100-2015), intake through the service, the API and the desk
form, and refusals that write nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from tests.disputes.conftest import DisputeCity
from zhengfa.disputes.credit_code import CreditCodeError, credit_code_clean
from zhengfa.disputes.demo import employer_code
from zhengfa.disputes.models import Dispute, DisputeOrganisation

# Published codes: the standard's own example and a listed company's.
VALID = ("91350100M000100Y43", "911100001000044477")
EMPLOYER = "鹤岗市某某建筑劳务有限公司"


@pytest.mark.parametrize("code", VALID)
def test_valid_codes_pass_and_are_upper_cased(code: str) -> None:
    assert credit_code_clean(f" {code.lower()} ") == code


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("91350100M000100Y4", "18 characters, not 17"),
        ("91350100M000100Y44", "check character '4' does not match '3'"),
        ("91350100M000I00Y43", "'I'"),  # I, O, Z, S, V are never used
        ("911100001000044478", "does not match '7'"),  # one typing error
    ],
)
def test_bad_codes_say_why(code: str, reason: str) -> None:
    with pytest.raises(CreditCodeError, match=reason):
        credit_code_clean(code)


def test_the_demo_employers_codes_are_valid() -> None:
    for index in range(5):
        code = employer_code("230402", index)
        assert credit_code_clean(code) == code


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _body(dc: DisputeCity, organisations: list[dict[str, str]]) -> str:
    return json.dumps(
        {
            "channel": "grid",
            "category": "labour",
            "severity": "general",
            "description": "拖欠工资",
            "grid_code": dc.grid.code,
            "parties": [{"name": "王五", "side": "applicant"}],
            "organisations": organisations,
        }
    )


def test_the_api_takes_an_employer_and_shows_it(dc: DisputeCity) -> None:
    given = [{"name": f" {EMPLOYER} ", "credit_code": VALID[0].lower()}]
    answer = _client(dc.grid_worker).post(
        "/api/v1/disputes/", _body(dc, given), content_type="application/json"
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["organisations"] == [
        {"side": "respondent", "name": EMPLOYER, "credit_code": VALID[0]}
    ]
    stored = DisputeOrganisation.objects.get()
    assert (stored.name, stored.credit_code, stored.dispute.category.code) == (
        EMPLOYER,
        VALID[0],
        "labour",
    )


def test_a_bad_code_is_a_problem_naming_the_field_and_writes_nothing(dc: DisputeCity) -> None:
    given = [{"name": EMPLOYER, "credit_code": "91350100M000100Y44"}]
    answer = _client(dc.grid_worker).post(
        "/api/v1/disputes/", _body(dc, given), content_type="application/json"
    )
    assert answer.status_code == 422 and answer["Content-Type"] == "application/problem+json"
    errors = answer.json()["errors"]
    assert [e["field"] for e in errors] == ["organisations[0].credit_code"]
    assert "check character" in errors[0]["message"]
    assert not Dispute.objects.exists() and not DisputeOrganisation.objects.exists()


def test_an_organisation_without_a_name_is_refused(dc: DisputeCity) -> None:
    answer = _client(dc.grid_worker).post(
        "/api/v1/disputes/", _body(dc, [{"name": "  "}]), content_type="application/json"
    )
    assert answer.status_code == 422
    assert [e["field"] for e in answer.json()["errors"]] == ["organisations[0].name"]


def _form(dc: DisputeCity, **changes: str) -> dict[str, str]:
    data = {
        "category": "labour",
        "severity": "general",
        "description": "拖欠工资",
        "grid_code": dc.grid.code,
        "party0_name": "张三",
        "party0_side": "applicant",
        "party1_side": "respondent",
    }
    data.update(changes)
    return data


def test_the_desk_form_takes_an_optional_employer(dc: DisputeCity) -> None:
    client = _client(dc.grid_worker)
    without = client.post("/disputes/report/", _form(dc))
    assert without.status_code == 302 and not DisputeOrganisation.objects.exists()
    given = _form(dc, organisation_name=EMPLOYER, organisation_credit_code=VALID[1])
    assert client.post("/disputes/report/", given).status_code == 302
    assert DisputeOrganisation.objects.get().credit_code == VALID[1]


def test_the_desk_form_shows_a_bad_code_on_its_field_and_keeps_it(dc: DisputeCity) -> None:
    given = _form(dc, organisation_name=EMPLOYER, organisation_credit_code="91350100M000100Y4")
    response = _client(dc.grid_worker).post("/disputes/report/", given)
    page = response.content.decode()
    assert response.status_code == 200 and "18 characters, not 17" in page
    assert "91350100M000100Y4" in page and EMPLOYER in page
    assert not Dispute.objects.exists()
