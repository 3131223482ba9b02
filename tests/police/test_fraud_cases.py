"""Anti-fraud (a number reported twice warns the third person who looks it up; a report
with a loss becomes a case) and cases (the public-order limit by the law in force on the
day of acceptance, appraisal deducted; clearance rates)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from tests.police.conftest import EVENING, PoliceWorld, make_user
from zhengfa.audit.models import AuditEntry
from zhengfa.org.roles import Role
from zhengfa.police import selectors
from zhengfa.police.contacts import normalise
from zhengfa.police.models import CriminalCase, FraudContact, FraudReport, FraudWarning
from zhengfa.police.services.cases import (
    case_exclude_appraisal,
    criminal_case_register,
    criminal_case_solve,
    public_order_case_open,
)
from zhengfa.police.services.fraud import (
    ContactInput,
    fraud_report,
    fraud_rising,
    fraud_warning_publish,
)

NUMBER = ContactInput("phone", "+86 138-1234-5678")


@pytest.mark.django_db
def test_a_number_reported_twice_warns_the_third_person_who_looks_it_up(
    police: PoliceWorld,
) -> None:
    second = make_user("citizen-2", Role.CITIZEN, None, "230402001001")
    for who in (police.citizen, second):
        fraud_report(actor=who, scam_type="refund", description="冒充客服退款", contacts=[NUMBER])
    answer = Client().get("/api/v1/police/fraud/lookup", {"kind": "phone", "value": "13812345678"})
    body = answer.json()
    assert answer.status_code == 200 and body["reports"] == 2 and body["flagged"] is True
    assert "2次举报" in body["warning"]
    page = Client().get("/police/fraud/", {"kind": "phone", "value": "138 1234 5678"}).content
    assert "2次举报为诈骗" in page.decode()
    assert police.citizen.username not in page.decode() and "citizen-2" not in page.decode()
    assert "citizen" not in str(body)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "value", "normal"),
    [
        ("phone", "0086 13912345678", "13912345678"),
        ("phone", "0468-1234567", "04681234567"),
        ("link", "HTTPS://www.Pay-Safe.example.com/refund/?id=9", "pay-safe.example.com/refund"),
        ("account", "6222 0212 3456 7890 123", "6222021234567890123"),
    ],
)
def test_contacts_are_normalised(kind: str, value: str, normal: str) -> None:
    assert normalise(kind, value) == normal


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "value"), [("phone", "12345"), ("link", "javascript:alert(1)"), ("account", "x")]
)
def test_malformed_contacts_are_refused_and_nothing_is_written(
    police: PoliceWorld, kind: str, value: str
) -> None:
    before = (FraudReport.objects.count(), FraudContact.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ValidationError) as refused:
        fraud_report(
            actor=police.citizen,
            scam_type="loan",
            description="x",
            contacts=[ContactInput("phone", "13812345678"), ContactInput(kind, value)],
        )
    assert "contacts[1].value" in refused.value.message_dict
    after = (FraudReport.objects.count(), FraudContact.objects.count(), AuditEntry.objects.count())
    assert after == before


@pytest.mark.django_db
def test_a_report_with_a_loss_becomes_a_case_of_the_station(police: PoliceWorld) -> None:
    report = fraud_report(
        actor=police.citizen,
        scam_type="investment",
        description="投资平台无法提现",
        contacts=[ContactInput("link", "invest-now.example.com")],
        loss="52000",
    )
    case = CriminalCase.objects.get(pk=report.case_id)
    assert case.crime_type == "telecom_fraud" and case.matter.unit == police.officer.unit
    assert FraudReport.objects.for_user(police.officer).count() == 1
    assert not FraudReport.objects.for_user(police.outsider).exists()
    assert not CriminalCase.objects.for_user(police.outsider).exists()


@pytest.mark.django_db
def test_warnings_go_to_areas_where_reports_rise(police: PoliceWorld) -> None:
    with time_machine.travel(EVENING - timedelta(days=20), tick=False):
        fraud_report(actor=police.citizen, scam_type="loan", description="x", contacts=[NUMBER])
    with time_machine.travel(EVENING, tick=False):
        for n in range(3):
            fraud_report(
                actor=police.citizen,
                scam_type="brushing",
                description="刷单",
                contacts=[ContactInput("account", f"wx_brush_{n}")],
            )
        rising = fraud_rising(region_code="230402")
        assert rising[0] == ("brushing", 3, 0)
        with pytest.raises(ValidationError):  # outside the officer's county
            fraud_warning_publish(
                actor=police.officer, region_code="230403", scam_type="brushing", text="x"
            )
        with pytest.raises(PermissionDenied):
            fraud_warning_publish(
                actor=police.citizen, region_code="230402", scam_type="brushing", text="x"
            )
        fraud_warning_publish(
            actor=police.officer, region_code="230402", scam_type="brushing", text="警惕刷单返利"
        )
    assert FraudWarning.objects.get().reports_seen == 3
    page = Client()
    page.force_login(police.citizen)
    assert "警惕刷单返利" in page.get("/police/fraud/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("accepted", "rule", "due"),
    [
        (date(2025, 12, 20), "public_order.2012", date(2026, 1, 19)),
        (date(2026, 1, 5), "public_order.2025", date(2026, 2, 4)),
    ],
)
def test_public_order_limit_by_acceptance_day_and_appraisal_excluded(
    police: PoliceWorld, accepted: date, rule: str, due: date
) -> None:
    with time_machine.travel(
        EVENING.replace(year=accepted.year, month=accepted.month, day=accepted.day), tick=False
    ):
        case = public_order_case_open(
            actor=police.officer, title="殴打他人", region_code="230402001", accepted_on=accepted
        )
        clock = case.matter.clocks.get(purpose="overall")
        assert case.rule == rule and clock.rule == rule and clock.due_on == due
        with pytest.raises(PermissionDenied):
            case_exclude_appraisal(
                actor=police.citizen, case=case, on=accepted, days=5, reason="伤情鉴定"
            )
        deducted = case_exclude_appraisal(
            actor=police.officer,
            case=case,
            on=accepted + timedelta(days=2),
            days=5,
            reason="伤情鉴定",
        )
    # Five days do not count; a last day on a rest day moves to the next working day.
    assert 5 <= (deducted.due_on - due).days <= 8
    assert "治安管理处罚法" in deducted.events.order_by("pk").last().legal_basis


@pytest.mark.django_db
def test_clearance_rates_per_type_and_for_the_eight_major_types(police: PoliceWorld) -> None:
    day = date(2026, 3, 2)
    with time_machine.travel(EVENING, tick=False):
        cases = [
            criminal_case_register(
                actor=police.officer,
                title=f"案件{n}",
                region_code="230402001",
                crime_type=t,
                registered_on=day,
            )
            for n, t in enumerate(("robbery", "robbery", "burglary", "homicide"))
        ]
        criminal_case_solve(actor=police.officer, case=cases[0], on=day + timedelta(days=3))
        criminal_case_solve(actor=police.officer, case=cases[3], on=day + timedelta(days=1))
        with pytest.raises(ValidationError):
            criminal_case_solve(actor=police.officer, case=cases[2], on=day - timedelta(days=1))
        with pytest.raises(ValidationError):
            criminal_case_register(
                actor=police.officer, title="x", region_code="230402", crime_type="piracy"
            )
    rates = {
        c.crime_type: c
        for c in selectors.clearance_rates(police.officer, day, day + timedelta(days=1))
    }
    assert rates["robbery"].rate == 0.5 and rates["homicide"].rate == 1.0
    assert rates["burglary"].rate == 0.0
    major = selectors.clearance_rates(police.officer, day, day + timedelta(days=1), major_only=True)
    assert {c.crime_type for c in major} == {"robbery", "homicide"}
    assert selectors.clearance_rates(police.outsider, day, day + timedelta(days=1)) == []
