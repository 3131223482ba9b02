"""Rectification with evidence, verification by someone else, re-opening; and the
evening sweep that escalates an unrectified major hazard ("隐患不过夜")."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from tests.hazards.conftest import SH, Hz, photo
from tests.hazards.helpers import footprint
from zhengfa.flow.models import Accountability, ClockState, Matter, Notice, Warning
from zhengfa.flow.sweeper import sweep
from zhengfa.hazards.models import Hazard
from zhengfa.hazards.services.inspections import inspection_record
from zhengfa.hazards.services.rectification import hazard_rectify, hazard_verify


def _found(hz: Hz, severity: str = "major") -> Hazard:
    inspection = inspection_record(
        actor=hz.worker,
        campaign=hz.campaign,
        grid_code=hz.grid.code,
        site="向阳超市",
        checks=hz.checks(),
        findings=[hz.finding(severity)],
    )
    return Hazard.objects.select_related("matter").get(inspection=inspection)


def _rectify(hz: Hz, hazard: Hazard, actor: object = None) -> None:
    hazard_rectify(
        actor=actor or hz.worker,
        hazard=hazard,
        version=hazard.matter.version,
        measures="杂物已清理，通道畅通",
        photos=[photo("after.jpg")],
    )


def test_rectified_then_verified_by_someone_else_closes_the_hazard(hz: Hz) -> None:
    hazard = _found(hz)
    _rectify(hz, hazard)
    assert hazard.matter.stage == "verifying"
    assert hazard.matter.clocks.get().state == ClockState.STOPPED
    hazard_verify(actor=hz.operator, hazard=hazard, version=hazard.matter.version, passed=True)
    matter = Matter.objects.get(pk=hazard.pk)
    assert matter.stage == "closed" and matter.status == "closed"
    assert hazard.photos.filter(purpose="evidence").count() == 1


def test_the_rectifier_may_not_verify_his_own_work(hz: Hz) -> None:
    hazard = _found(hz)
    _rectify(hz, hazard)
    before = footprint()
    with pytest.raises(ValidationError) as caught:
        hazard_verify(actor=hz.worker, hazard=hazard, version=hazard.matter.version, passed=True)
    assert "verifier" in caught.value.message_dict
    assert footprint() == before
    assert Matter.objects.get(pk=hazard.pk).stage == "verifying"


def test_a_failed_verification_reopens_on_a_fresh_clock(hz: Hz) -> None:
    hazard = _found(hz, "serious")
    _rectify(hz, hazard)
    with time_machine.travel(datetime(2026, 11, 12, 9, tzinfo=SH), tick=False):
        with pytest.raises(ValidationError, match="what is still wrong"):
            hazard_verify(
                actor=hz.operator, hazard=hazard, version=hazard.matter.version, passed=False
            )
        hazard_verify(
            actor=hz.operator,
            hazard=hazard,
            version=hazard.matter.version,
            passed=False,
            note="仍有杂物",
        )
    matter = Matter.objects.get(pk=hazard.pk)
    assert matter.stage == "rectifying" and matter.status == "open"
    running = matter.clocks.get(state=ClockState.RUNNING)
    # three days from the re-opening end on Sunday the 15th, which rolls to Monday
    assert running.due_on.isoformat() == "2026-11-16"


def test_rectification_needs_evidence(hz: Hz) -> None:
    hazard = _found(hz)
    before = footprint()
    with pytest.raises(ValidationError) as caught:
        hazard_rectify(
            actor=hz.worker, hazard=hazard, version=hazard.matter.version, measures="x", photos=[]
        )
    assert "photos" in caught.value.message_dict
    assert footprint() == before


def test_an_outsider_can_neither_rectify_nor_verify(hz: Hz) -> None:
    hazard = _found(hz)
    before = footprint()
    with pytest.raises(PermissionDenied):
        _rectify(hz, hazard, actor=hz.outsider_worker)
    assert footprint() == before
    _rectify(hz, hazard)
    before = footprint()
    with pytest.raises(PermissionDenied):
        hazard_verify(
            actor=hz.outsider_operator, hazard=hazard, version=hazard.matter.version, passed=True
        )
    assert footprint() == before


def test_an_unrectified_major_hazard_escalates_the_same_evening(hz: Hz) -> None:
    hazard = _found(hz)
    with time_machine.travel(datetime(2026, 11, 10, 21, 59, 30, tzinfo=SH), tick=False):
        sweep()
    warned = Warning.objects.get(clock__matter=hazard.matter)
    assert warned.threshold_s == 2 * 3600  # two hours before 23:59
    assert Notice.objects.filter(recipient=hz.operator, subject__contains="2小时").exists()
    assert not Accountability.objects.exists()
    with time_machine.travel(datetime(2026, 11, 10, 23, 59, 30, tzinfo=SH), tick=False):
        sweep()
    matter = Matter.objects.get(pk=hazard.pk)
    assert matter.escalated_to == hz.county_operator  # one level up, before midnight
    record = Accountability.objects.get(matter=matter)
    assert record.holder == hz.operator
    assert record.due_at == datetime(2026, 11, 10, 23, 59, tzinfo=SH)
    assert Notice.objects.filter(recipient=hz.county_operator, matter=matter).exists()


def test_a_hazard_rectified_in_time_does_not_escalate(hz: Hz) -> None:
    hazard = _found(hz)
    with time_machine.travel(datetime(2026, 11, 10, 18, 0, tzinfo=SH), tick=False):
        _rectify(hz, hazard)
    with time_machine.travel(datetime(2026, 11, 10, 23, 59, 30, tzinfo=SH), tick=False):
        sweep()
    assert not Accountability.objects.exists()
    assert Matter.objects.get(pk=hazard.pk).escalated_to is None
