from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from tests.flow.conftest import World, open_case
from zhengfa.flow.models import Approval, ApprovalStatus, Clock, ClockState, Notice
from zhengfa.flow.services.approvals import (
    approval_decide,
    approval_forward,
    approval_record_external,
    approval_request,
)
from zhengfa.flow.services.clockops import clock_extend

SH = ZoneInfo("Asia/Shanghai")
IN_TIME = datetime(2026, 8, 1, 10, 0, tzinfo=SH)  # the limit (opened 2 March) ends 2 September


def _request(world: World, clock: Clock) -> Approval:
    return approval_request(
        actor=world.judge,
        clock=clock,
        kind="extend",
        reason_code="special_circumstances",
        detail="证据繁多",
        amount=6,
        unit="months",
    )


@time_machine.travel(IN_TIME, tick=False)
def test_division_president_forwards_only_the_president_approves(world: World) -> None:
    overall = open_case(world).clocks.get(purpose="overall")
    approval = _request(world, overall)
    assert approval.level == "court_president" and approval.decision_clock is not None
    assert approval.decision_clock.holder == world.president
    assert approval.decision_clock.due_on == date(2026, 8, 28)  # 5 days before 2 September
    with pytest.raises(PermissionDenied):
        approval_decide(actor=world.division_president, approval=approval, decision="approve")
    approval_forward(actor=world.division_president, approval=approval, note="同意报院长")
    approval = approval_decide(actor=world.president, approval=approval, decision="approve")
    overall.refresh_from_db()
    assert approval.status == ApprovalStatus.APPROVED and overall.extensions_used == 1
    assert overall.due_on == date(2027, 3, 2)
    assert overall.events.get(kind="extend").approval == approval
    assert Clock.objects.get(pk=approval.decision_clock_id).state == ClockState.STOPPED
    assert Notice.objects.filter(recipient=world.judge, subject__contains="Decision").exists()


@time_machine.travel(IN_TIME, tick=False)
def test_you_cannot_approve_your_own_request(world: World) -> None:
    overall = open_case(world).clocks.get(purpose="overall")
    approval = approval_request(
        actor=world.president,
        clock=overall,
        kind="extend",
        reason_code="special_circumstances",
        detail="自己申请",
    )
    with pytest.raises(PermissionDenied, match="your own"):
        approval_decide(actor=world.president, approval=approval, decision="approve")
    assert Approval.objects.get(pk=approval.pk).status == ApprovalStatus.PENDING


@time_machine.travel(IN_TIME, tick=False)
def test_approving_above_or_below_your_level_is_refused(world: World) -> None:
    overall = open_case(world).clocks.get(purpose="overall")
    approval = _request(world, overall)
    for wrong in (world.higher_president, world.division_president, world.outsider):
        with pytest.raises(PermissionDenied, match="court_president"):
            approval_decide(actor=wrong, approval=approval, decision="approve")
    assert Clock.objects.get(pk=overall.pk).extensions_used == 0


@time_machine.travel(IN_TIME, tick=False)
def test_second_extension_goes_to_the_higher_court(world: World) -> None:
    overall = open_case(world).clocks.get(purpose="overall")
    clock_extend(
        actor=world.president,
        clock=overall,
        on=date(2026, 7, 1),
        level="court_president",
        reason="复杂",
        amount=6,
        unit="months",
    )
    approval = approval_request(
        actor=world.judge,
        clock=Clock.objects.get(pk=overall.pk),
        kind="extend",
        reason_code="special_circumstances",
        detail="仍需延长",
        amount=3,
        unit="months",
    )
    assert approval.level == "higher_court" and approval.approver_unit == world.higher_court
    with pytest.raises(PermissionDenied):
        approval_decide(actor=world.president, approval=approval, decision="approve")
    approval_decide(actor=world.higher_president, approval=approval, decision="approve")
    assert Clock.objects.get(pk=overall.pk).extensions_used == 2


@time_machine.travel(IN_TIME, tick=False)
def test_reject_and_return_need_a_reason_the_requester_sees(world: World) -> None:
    overall = open_case(world).clocks.get(purpose="overall")
    approval = _request(world, overall)
    with pytest.raises(ValidationError, match="say why"):
        approval_decide(actor=world.president, approval=approval, decision="return")
    approval_decide(
        actor=world.president, approval=approval, decision="return", note="补充鉴定意见"
    )
    notice = Notice.objects.filter(recipient=world.judge).first()
    assert notice is not None and "补充鉴定意见" in notice.body
    assert Clock.objects.get(pk=overall.pk).extensions_used == 0


@time_machine.travel(datetime(2026, 8, 25, 10, 0, tzinfo=SH), tick=False)
def test_a_request_after_the_request_deadline_is_refused(world: World) -> None:
    overall = open_case(world).clocks.get(purpose="overall")
    with pytest.raises(ValidationError, match="15 days before expiry"):
        _request(world, overall)
    assert not Approval.objects.exists()


@time_machine.travel(datetime(2026, 9, 10, 10, 0, tzinfo=SH), tick=False)
def test_a_request_after_expiry_is_refused(world: World) -> None:
    overall = open_case(world).clocks.get(purpose="overall")
    with pytest.raises(ValidationError, match="expired"):
        _request(world, overall)
    assert not Approval.objects.exists()


@time_machine.travel(IN_TIME, tick=False)
def test_a_suspension_needs_a_lawful_reason(world: World) -> None:
    overall = open_case(world).clocks.get(purpose="overall")
    with pytest.raises(ValidationError, match="accepted: notice_period"):
        approval_request(
            actor=world.judge,
            clock=overall,
            kind="suspend",
            reason_code="vacation",
            detail="x",
            pause_from=date(2026, 8, 2),
        )
    approval = approval_request(
        actor=world.judge,
        clock=overall,
        kind="suspend",
        reason_code="appraisal",
        detail="鉴定",
        pause_from=date(2026, 8, 2),
    )
    approval_decide(actor=world.president, approval=approval, decision="approve")
    assert Clock.objects.get(pk=overall.pk).state == ClockState.PAUSED


@time_machine.travel(IN_TIME, tick=False)
def test_external_decision_is_entered_by_the_registry(world: World) -> None:
    matter = open_case(world)
    overall = matter.clocks.get(purpose="overall")
    clock_extend(
        actor=world.president,
        clock=overall,
        on=date(2026, 7, 1),
        level="court_president",
        reason="复杂",
        amount=6,
        unit="months",
    )
    world.higher_president.delete()  # the higher court is not on the platform
    approval = approval_request(
        actor=world.judge,
        clock=Clock.objects.get(pk=overall.pk),
        kind="extend",
        reason_code="special_circumstances",
        detail="报上级法院",
        amount=3,
        unit="months",
    )
    with pytest.raises(PermissionDenied):
        approval_record_external(
            actor=world.judge,
            approval=approval,
            decision="approve",
            authority="鹤岗中院",
            document="（2026）黑04审限12号",
            decided_on=date(2026, 8, 10),
        )
    approval = approval_record_external(
        actor=world.registrar,
        approval=approval,
        decision="approve",
        authority="鹤岗中院",
        document="（2026）黑04审限12号",
        decided_on=date(2026, 8, 10),
    )
    assert approval.external_document == "（2026）黑04审限12号"
    assert Clock.objects.get(pk=overall.pk).extensions_used == 2
