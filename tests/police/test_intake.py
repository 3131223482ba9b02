"""Intake and triage: a burglary on its minute clocks, a noise complaint diverted to the
environment department and closed there, refusals that write nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from tests.police.conftest import EVENING, INSIDE_A, OUTSIDE, PoliceWorld
from zhengfa.audit.models import AuditEntry
from zhengfa.flow.models import Clock, ClockState, Matter, Notice
from zhengfa.police.models import Disposition, Incident, Referral, TriageRule
from zhengfa.police.services.intake import (
    Report,
    incident_arrive,
    incident_close,
    incident_dispatch,
    incident_receive,
)
from zhengfa.police.services.triage import referral_close, referral_return, triage_rule_save

BURGLARY = Report("call", "criminal", "入室盗窃,家中财物被盗", *INSIDE_A)
NOISE = Report("online", "non_police", "楼下广场舞噪音扰民到深夜", *INSIDE_A)


def _counts() -> tuple[int, int, int]:
    return Matter.objects.count(), Incident.objects.count(), AuditEntry.objects.count()


@pytest.mark.django_db
def test_burglary_is_dispatched_and_arrives_on_its_minute_clocks(police: PoliceWorld) -> None:
    with time_machine.travel(EVENING, tick=False):
        incident = incident_receive(actor=police.officer, report=BURGLARY)
    matter = incident.matter
    assert incident.disposition == Disposition.POLICE
    assert matter.unit.code == "230402-PCS" and incident.beat.code == "230402001J001"
    assert incident.area == "urban" and incident.priority == 1
    clocks = {c.purpose: c for c in matter.clocks.all()}
    # The legal clock does not count the minute a period starts in: 3 minutes from 20:03
    # end at 20:07:00.
    assert clocks["stage:received"].due_at == EVENING + timedelta(minutes=3 + 1)
    # 240 minutes read as 4 hours: an hour period begins at the next full hour (01:00).
    assert clocks["overall"].due_at == EVENING + timedelta(minutes=57 + 240)
    assert "非法定期限" in clocks["stage:received"].events.get().legal_basis
    with time_machine.travel(EVENING + timedelta(minutes=2), tick=False):
        incident_dispatch(actor=police.officer, incident=incident)
    arrival = matter.clocks.get(purpose="stage:dispatched")
    assert arrival.due_at == EVENING + timedelta(minutes=2 + 10 + 1)
    with time_machine.travel(EVENING + timedelta(minutes=9), tick=False):
        incident_arrive(actor=police.officer, incident=incident)
        incident_close(actor=police.officer, incident=incident)
    stopped = Clock.objects.filter(matter=matter)
    assert all(c.state == ClockState.STOPPED for c in stopped)
    assert all(c.stopped_at <= c.due_at for c in stopped)  # every step on its clock
    incident.refresh_from_db()
    assert incident.arrived_at == EVENING + timedelta(minutes=9)


@pytest.mark.django_db
def test_outsider_cannot_move_the_incident_and_changes_nothing(police: PoliceWorld) -> None:
    with time_machine.travel(EVENING, tick=False):
        incident = incident_receive(actor=police.officer, report=BURGLARY)
    before = _counts()
    with pytest.raises(PermissionDenied):
        incident_dispatch(actor=police.outsider, incident=incident)
    assert _counts() == before
    assert not Incident.objects.for_user(police.outsider).exists()
    assert Incident.objects.for_user(police.officer).count() == 1


@pytest.mark.django_db
def test_noise_complaint_is_diverted_told_and_closed_by_the_department(
    police: PoliceWorld,
) -> None:
    with time_machine.travel(EVENING, tick=False):
        incident = incident_receive(actor=police.citizen, report=NOISE)
    referral = Referral.objects.get(incident=incident)
    assert incident.disposition == Disposition.DIVERTED
    assert referral.rule == police.noise_rule and referral.rule_label == str(police.noise_rule)
    assert referral.matter.unit == police.department
    assert "鹤岗市生态环境局" in referral.caller_message
    assert Notice.objects.filter(recipient=police.citizen, body=referral.caller_message).exists()
    handling = referral.matter.clocks.get(purpose="stage:handling")
    assert EVENING + timedelta(hours=72) <= handling.due_at <= EVENING + timedelta(hours=73)
    assert not Incident.objects.for_user(police.officer).exists()  # not a police matter
    with pytest.raises(PermissionDenied):
        referral_close(actor=police.outsider, referral=referral, outcome="x")
    referral_close(
        actor=police.liaison, referral=referral, outcome="已约谈广场舞组织者,限定时段音量"
    )
    referral.matter.refresh_from_db()
    assert referral.matter.status == "closed" and referral.closed_at is not None


@pytest.mark.django_db
def test_a_returned_diversion_opens_a_police_incident_and_is_counted(
    police: PoliceWorld,
) -> None:
    with time_machine.travel(EVENING, tick=False):
        diverted = incident_receive(actor=police.citizen, report=NOISE)
        back = referral_return(
            actor=police.liaison, referral=diverted.referral, reason="现场有人持械斗殴"
        )
    assert back.returned_from == diverted.referral
    assert back.matter.unit.code == "230402-PCS"
    assert Referral.objects.filter(returned_at__isnull=False).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("report", "field"),
    [
        (Report("call", "criminal", "x", *OUTSIDE), "location"),
        (Report("call", "aliens", "x", *INSIDE_A), "category"),
        (Report("fax", "criminal", "x", *INSIDE_A), "channel"),
        (Report("call", "criminal", " ", *INSIDE_A), "description"),
        (Report("call", "criminal", "x", float("nan"), 47.0), "location"),
    ],
)
def test_bad_reports_are_refused_and_write_nothing(
    police: PoliceWorld, report: Report, field: str
) -> None:
    before = _counts()
    with pytest.raises(ValidationError) as refused:
        incident_receive(actor=police.officer, report=report)
    assert field in refused.value.message_dict
    assert _counts() == before


@pytest.mark.django_db
def test_a_citizen_cannot_record_a_call(police: PoliceWorld) -> None:
    with pytest.raises(PermissionDenied):
        incident_receive(actor=police.citizen, report=BURGLARY)


@pytest.mark.django_db
def test_a_rule_diverting_to_a_missing_unit_is_refused(police: PoliceWorld) -> None:
    admin = police.city.users["platform_admin"]
    before = (TriageRule.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ValidationError) as refused:
        triage_rule_save(
            actor=admin, name="供水", keywords="停水", target="department", unit_code="NOPE"
        )
    assert "no unit has the code" in refused.value.message_dict["unit_code"][0]
    with pytest.raises(ValidationError):
        triage_rule_save(
            actor=admin, name="x", keywords="停水", target="department", unit_code="230402-PCS"
        )
    with pytest.raises(PermissionDenied):
        triage_rule_save(actor=police.officer, name="x", keywords="停水", target="hotline")
    assert (TriageRule.objects.count(), AuditEntry.objects.count()) == before
    rule = triage_rule_save(
        actor=admin, name="供水", keywords="停水,水压", target="hotline", unit_code="2304-ZZZX"
    )
    assert rule.pk and AuditEntry.objects.count() == before[1] + 1


@pytest.mark.django_db
def test_a_neighbour_quarrel_arrives_in_mediation_with_its_history(police: PoliceWorld) -> None:
    from zhengfa.disputes.models import Dispute

    TriageRule.objects.create(
        name="邻里纠纷",
        order=5,
        keywords="邻居",
        target="mediation",
        dispute_category="family_neighbour",
    )
    with time_machine.travel(EVENING, tick=False):
        incident = incident_receive(
            actor=police.officer,
            report=Report("call", "dispute", "与邻居因楼道堆物争吵", *INSIDE_A),
        )
    dispute = Dispute.objects.get(matter=incident.matter)
    assert dispute.channel == "police" and "[警情分流]" in dispute.description
    assert "邻里纠纷" in dispute.description and dispute.category.code == "family_neighbour"
    assert incident.referral.target == "mediation"


@pytest.mark.django_db
def test_the_officer_on_duty_on_the_beat_holds_the_incident(police: PoliceWorld) -> None:
    from zhengfa.police.models import Roster, Shift

    beat = police.city.grids["230402"][0].beat
    roster = Roster.objects.create(
        station=police.officer.unit,
        starts_on=EVENING.date(),
        created_by=police.officer,
        created_at=EVENING,
        expected_coverage=1.0,
        solver_status="OPTIMAL",
        solve_seconds=0.1,
    )
    Shift.objects.create(
        roster=roster, officer=police.officer, day=EVENING.date(), start_hour=20, hours=4, beat=beat
    )
    with time_machine.travel(EVENING, tick=False):
        held = incident_receive(actor=police.officer, report=BURGLARY)
    with time_machine.travel(EVENING + timedelta(hours=5), tick=False):
        unheld = incident_receive(actor=police.officer, report=BURGLARY)
    assert held.matter.owner == police.officer and unheld.matter.owner is None


@pytest.mark.django_db
def test_a_late_dispatch_is_warned_then_overdue_like_every_clock(police: PoliceWorld) -> None:
    from zhengfa.flow.models import Accountability, Warning
    from zhengfa.flow.sweeper import sweep

    with time_machine.travel(EVENING, tick=False):
        incident = incident_receive(actor=police.officer, report=BURGLARY)
    dispatch = incident.matter.clocks.get(purpose="stage:received")
    with time_machine.travel(EVENING + timedelta(minutes=1), tick=False):
        sweep()
    assert set(Warning.objects.filter(clock=dispatch).values_list("threshold_s", flat=True)) == {
        300
    }  # a 5-minute warning for a clock shorter than three hours
    with time_machine.travel(EVENING + timedelta(minutes=5), tick=False):
        sweep()
    assert Warning.objects.filter(clock=dispatch, threshold_s=0).exists()
    assert Accountability.objects.filter(clock=dispatch).exists()
