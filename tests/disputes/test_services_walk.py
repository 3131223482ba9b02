"""The walk of issue 6: a grid worker reports in a village, the rules route it, the village
misses its limit and the township takes it, it is mediated, and the basic court confirms
the agreement. Outsiders see and change nothing on the way."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from tests.disputes.conftest import PARTIES, DisputeCity, photo
from zhengfa.audit.models import AuditEntry
from zhengfa.courts.models import CourtCase
from zhengfa.disputes.models import (
    ConfirmationStatus,
    Dispute,
    HopReason,
    Outcome,
    Way,
)
from zhengfa.disputes.services.intake import dispute_report
from zhengfa.disputes.services.outcome import (
    confirmation_accept,
    confirmation_decide,
    dispute_conclude,
    dispute_confirmation_apply,
    dispute_return_visit,
)
from zhengfa.disputes.services.routing import dispute_escalate, disputes_escalate_overdue
from zhengfa.flow.models import Matter, MatterStatus, Notice

SH = ZoneInfo("Asia/Shanghai")
REPORTED = datetime(2026, 3, 2, 9, 0, tzinfo=SH)


def _report(dc: DisputeCity) -> Dispute:
    return dispute_report(
        actor=dc.grid_worker,
        channel="grid",
        category="family_neighbour",
        severity="general",
        amount="20000",
        description="两户因院墙漏水发生争执",
        grid_code=dc.grid.code,
        parties=PARTIES,
        photos=[photo()],
    )


def test_village_report_escalates_is_mediated_and_confirmed(dc: DisputeCity) -> None:
    with time_machine.travel(REPORTED, tick=False):
        dispute = _report(dc)
    matter = Matter.objects.get(pk=dispute.pk)
    decision = dispute.decisions.get()
    assert decision.rule is not None and decision.rule.priority == 1000  # amount > 5000
    assert (dispute.way, dispute.level) == (Way.BY_PLACE, "village")
    assert (matter.stage, matter.unit, matter.owner) == (
        "mediating",
        dc.village_committee,
        dc.village_mediator,
    )
    assert matter.due_on == REPORTED.date() + timedelta(days=15)
    assert dispute.photos.get().content_type == "image/png"
    assert [p.person.name_masked for p in dispute.parties.all()] == ["张*", "李*"]

    with time_machine.travel(REPORTED + timedelta(days=14), tick=False):
        assert disputes_escalate_overdue() == 0  # not yet
    with time_machine.travel(REPORTED + timedelta(days=16), tick=False):
        assert disputes_escalate_overdue() == 1
        assert disputes_escalate_overdue() == 0  # safe to re-run
    matter.refresh_from_db()
    dispute.refresh_from_db()
    hop = dispute.hops.get()
    assert (hop.reason, hop.from_unit, hop.to_unit) == (
        HopReason.OVERDUE,
        dc.village_committee,
        dc.township_mediator.unit,
    )
    assert (matter.unit, matter.owner, dispute.level) == (
        dc.township_mediator.unit,
        dc.township_mediator,
        "township",
    )
    assert matter.due_at is not None and matter.due_at > REPORTED + timedelta(days=16)

    with time_machine.travel(REPORTED + timedelta(days=20), tick=False):
        dispute_conclude(
            actor=dc.township_mediator,
            dispute=dispute,
            outcome=Outcome.AGREEMENT,
            terms="李四修缮院墙并赔偿张三2000元",
            signed_copy=photo("signed.png"),
        )
        confirmation = dispute_confirmation_apply(actor=dc.township_mediator, dispute=dispute)
    assert confirmation.court == dc.city.courts["230402"]
    with time_machine.travel(REPORTED + timedelta(days=22), tick=False):
        confirmation_accept(actor=dc.registrar, confirmation=confirmation)
        case = CourtCase.objects.get(matter=confirmation.matter)
        assert (case.number, case.procedure) == ("（2026）黑0402民特1号", "civil_confirmation")
        assert case.matter.unit == confirmation.court and case.matter.owner == dc.judge
        assert case.parties.count() == dispute.parties.count()
        assert set(case.dossier.values_list("name", flat=True)) == {"调解协议.txt", "签字协议.png"}
        confirmation_decide(actor=dc.judge, confirmation=confirmation, confirmed=True)
    confirmation.refresh_from_db()
    case.refresh_from_db()
    assert confirmation.status == ConfirmationStatus.CONFIRMED
    assert confirmation.case_number == case.number
    assert case.matter.stage == "confirmed" and case.judged_on is not None
    assert Notice.objects.filter(recipient=dc.township_mediator, matter=matter).exists()

    dispute_return_visit(actor=dc.township_mediator, dispute=dispute, satisfaction=5)
    matter.refresh_from_db()
    assert matter.status == MatterStatus.CLOSED


def test_outsiders_see_and_change_nothing(dc: DisputeCity) -> None:
    with time_machine.travel(REPORTED, tick=False):
        dispute = _report(dc)
    for outsider in (dc.outsider, dc.outsider_mediator):
        assert not Dispute.objects.for_user(outsider).exists()
    before = (AuditEntry.objects.count(), Matter.objects.get(pk=dispute.pk).version)
    with pytest.raises(PermissionDenied):
        dispute_escalate(actor=dc.outsider, dispute=dispute, note="不归我管")
    with pytest.raises(PermissionDenied):
        dispute_conclude(
            actor=dc.outsider_mediator, dispute=dispute, outcome="failed", referral="litigation"
        )
    assert (AuditEntry.objects.count(), Matter.objects.get(pk=dispute.pk).version) == before
    assert not dispute.hops.exists()


def test_a_mediator_declares_beyond_the_level(dc: DisputeCity) -> None:
    dispute = _report(dc)
    hop = dispute_escalate(
        actor=dc.village_mediator, dispute=dispute, note="涉及多户，村级难以调处"
    )
    assert hop.reason == HopReason.DECLARED
    dispute_escalate(actor=dc.township_mediator, dispute=dispute, note="需县级协调")
    dispute.matter.refresh_from_db()
    assert dispute.matter.unit == dc.county_room
    assert dispute.matter.owner == dc.county_mediator
    # the village mediator no longer holds it and cannot act on it
    with pytest.raises(PermissionDenied):
        dispute_escalate(actor=dc.village_mediator, dispute=dispute, note="x")


def test_the_sweeper_sends_an_overdue_dispute_up_and_records_accountability(
    dc: DisputeCity,
) -> None:
    from zhengfa.flow.models import Accountability
    from zhengfa.flow.sweeper import sweep

    with time_machine.travel(REPORTED, tick=False):
        dispute = _report(dc)
    with time_machine.travel(REPORTED + timedelta(days=16), tick=False):
        sweep()
    dispute.matter.refresh_from_db()
    assert dispute.matter.unit == dc.township_mediator.unit
    assert Accountability.objects.get(matter=dispute.matter).holder == dc.village_mediator
