"""Minor accidents online: matching accounts get a proposal, both agree, insurers' document;
a mismatch or a rejection becomes a matter for an officer."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.org.mini_city import COUNTY_A, MiniCity
from tests.portal.conftest import PNG
from zhengfa.flow.models import Matter
from zhengfa.org.models import Grid
from zhengfa.portal import accidents
from zhengfa.portal.models import Accident, AccidentStatus

PHONE_A, PHONE_B = "13911112222", "13933334444"


def photo() -> SimpleUploadedFile:
    return SimpleUploadedFile("scene.png", PNG, content_type="image/png")


def driver(phone: str, plate: str, situation: str, fault: str) -> accidents.DriverReport:
    grid = Grid.objects.filter(region__code__startswith=COUNTY_A).order_by("code").first()
    assert grid is not None
    return accidents.DriverReport(
        plate=plate,
        insurer="人保财险",
        policy_no="PDZA2026000001",
        phone=phone,
        lat=grid.centroid_lat,
        lon=grid.centroid_lon,
        situation=situation,
        fault=fault,
    )


def both(a: tuple[str, str], b: tuple[str, str]) -> Accident:
    accident, code = accidents.accident_report(
        actor=None,
        occurred_at=timezone.now(),
        report=driver(PHONE_A, "黑D12345", *a),
        photos=[photo()],
    )
    return accidents.accident_join(
        actor=None,
        accident=accident,
        join_code=code,
        report=driver(PHONE_B, "黑D67890", *b),
        photos=[photo()],
    )


def test_rear_end_agreed_by_both_gives_the_insurers_a_document(mini_city: MiniCity) -> None:
    accident = both(("rear_end", "self"), ("rear_end", "other"))  # A ran into B
    assert accident.status == AccidentStatus.PROPOSED and accident.at_fault == "a"
    assert "全部责任" in accidents.liability_text(accident)
    accidents.accident_answer(accident=accident, side="a", phone=PHONE_A, agree=True)
    accidents.accident_answer(accident=accident, side="b", phone=PHONE_B, agree=True)
    accident.refresh_from_db()
    assert accident.status == AccidentStatus.AGREED and accident.matter is None
    document: dict[str, Any] = accidents.insurer_document(accident)
    assert [p["plate"] for p in document["parties"]] == ["黑D12345", "黑D67890"]
    assert PHONE_A not in str(document) and len(document["sha256"]) == 64


def test_equal_liability_when_both_changed_lanes(mini_city: MiniCity) -> None:
    accident = both(("both_lane_change", "self"), ("both_lane_change", "self"))
    assert accident.at_fault == "both" and "同等责任" in accidents.liability_text(accident)


def test_accounts_that_do_not_match_go_to_an_officer(mini_city: MiniCity) -> None:
    accident = both(("rear_end", "other"), ("reversing", "other"))
    assert accident.status == AccidentStatus.DISPUTED
    matter = Matter.objects.get(pk=accident.matter_id)
    assert matter.kind == "portal_accident" and matter.unit.code == f"{COUNTY_A}-PCS"
    assert matter.due_on is not None


def test_a_rejection_goes_to_an_officer_and_strangers_cannot_answer(mini_city: MiniCity) -> None:
    accident = both(("door", "other"), ("door", "self"))
    with pytest.raises(PermissionDenied):
        accidents.accident_answer(accident=accident, side="a", phone=PHONE_B, agree=True)
    accidents.accident_answer(accident=accident, side="b", phone=PHONE_B, agree=False)
    accident.refresh_from_db()
    assert accident.status == AccidentStatus.DISPUTED and accident.matter is not None
    with pytest.raises(ValidationError):
        accidents.insurer_document(accident)


def test_wrong_join_code_or_outside_the_city_stores_nothing(mini_city: MiniCity) -> None:
    accident, _code = accidents.accident_report(
        actor=None,
        occurred_at=timezone.now(),
        report=driver(PHONE_A, "黑D12345", "rear_end", "self"),
        photos=[photo()],
    )
    with pytest.raises(PermissionDenied):
        accidents.accident_join(
            actor=None,
            accident=accident,
            join_code="000000" if _code != "000000" else "1",
            report=driver(PHONE_B, "黑D67890", "rear_end", "other"),
            photos=[photo()],
        )
    assert accident.parties.count() == 1
    far = driver(PHONE_A, "黑D12345", "rear_end", "self")
    far = accidents.DriverReport(**{**far.__dict__, "lat": 10.0, "lon": 10.0})
    with pytest.raises(ValidationError):
        accidents.accident_report(
            actor=None, occurred_at=timezone.now(), report=far, photos=[photo()]
        )
    with pytest.raises(ValidationError) as caught:
        accidents.accident_report(
            actor=None,
            occurred_at=timezone.now(),
            report=driver(PHONE_A, "黑D12345", "rear_end", "self"),
            photos=[],
        )
    assert "photos" in caught.value.message_dict
    assert Accident.objects.count() == 1
