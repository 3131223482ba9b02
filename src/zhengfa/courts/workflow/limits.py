"""Changes to a trial limit — extension, deduction, suspension and resumption — through the
flow engine's approvals (the reason is checked against the rule's lawful list, the level
against its ladder), each told to the parties with its reason and legal basis (SPC-2019
art. 3); and the parties' objections, which the supervising president sees."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from zhengfa.courts.models import CourtCase, Objection
from zhengfa.courts.workflow.common import audit, tell_parties, today
from zhengfa.courts.workflow.trial import overall_clock
from zhengfa.flow import clocks as legal
from zhengfa.flow.common import invalid, now
from zhengfa.flow.models import Approval, ApprovalStatus, ClockEvent
from zhengfa.flow.notices import notify
from zhengfa.flow.services.approvals import approval_decide, approval_request
from zhengfa.flow.services.clockops import clock_resume
from zhengfa.org.models import User
from zhengfa.org.roles import Role

TOLD_BASIS = "SPC-2019 art. 3 (告知当事人审限变更)"


def limit_change_request(
    *,
    actor: Any,
    case: CourtCase,
    kind: str,
    reason_code: str,
    detail: str,
    amount: int | None = None,
    unit: str = "",
    pause_from: date | None = None,
    days: int | None = None,
) -> Approval:
    """Ask to extend, deduct or suspend the trial limit (flow ``approval_request``)."""
    clock = overall_clock(case)
    if clock is None:
        raise invalid("case", "the trial limit is not running (closed or not started)")
    return approval_request(
        actor=actor,
        clock=clock,
        kind=kind,
        reason_code=reason_code,
        detail=detail,
        amount=amount,
        unit=unit,
        pause_from=pause_from,
        days=days,
    )


def limit_change_decide(
    *, actor: Any, approval: Approval, decision: str, note: str = ""
) -> Approval:
    """Decide at the level the request names; an approved change is told to the parties."""
    with transaction.atomic():
        decided = approval_decide(actor=actor, approval=approval, decision=decision, note=note)
        case = CourtCase.objects.filter(matter_id=decided.matter_id).first()
        if case is not None and decided.status == ApprovalStatus.APPROVED:
            event = ClockEvent.objects.filter(approval=decided).order_by("-pk").first()
            subject = (
                f"审限{decided.get_kind_display()} Limit changed: {decided.get_kind_display()}"
            )
            if event is not None and event.due_after:
                subject += f"; now due {event.due_after}"
            tell_parties(
                case, subject, decided.detail, f"{event.legal_basis if event else ''}; {TOLD_BASIS}"
            )
    return decided


def limit_resume(*, actor: Any, case: CourtCase, reason: str, on: date | None = None) -> CourtCase:
    """恢复审理: the suspension ends; the parties are told the new due date."""
    clock = overall_clock(case)
    if clock is None or clock.state != "paused":
        raise invalid("case", "the trial limit is not suspended")
    with transaction.atomic():
        resumed = clock_resume(actor=actor, clock=clock, on=on or today(), reason=reason)
        tell_parties(
            case,
            f"恢复审理 Resumed; limit due {resumed.due_on}",
            reason,
            f"SPC-2000 art. 9(9); {TOLD_BASIS}",
        )
    return case


def limit_explained(case: CourtCase) -> list[dict[str, str]]:
    clock = (
        overall_clock(case) or case.matter.clocks.filter(purpose="overall").order_by("-pk").first()
    )
    if clock is None:
        return []
    return [s.to_json() for s in legal.replay(clock, clock.events.all()).explain()]


def objection_file(*, actor: Any, case: CourtCase, text: str) -> Objection:
    """A party (through their account) objects; the court's presidents are told."""
    if not case.parties.filter(account=actor).exists():
        raise PermissionDenied("only a party of this case may object")
    if not text.strip() or len(text) > 2000:
        raise invalid("text", "the objection, 1–2000 characters")
    with transaction.atomic():
        objection = Objection.objects.create(
            case=case, author=actor, text=text.strip(), created_at=now()
        )
        presidents = User.objects.filter(
            unit_id=case.matter.unit_id, role=Role.COURT_PRESIDENT, is_active=True
        )
        notify(presidents, f"当事人异议 Objection: {case.number}", objection.text, case.matter)
        audit(actor=actor, action="objection.file", subject=objection)
    return objection


def objection_answer(*, actor: Any, objection: Objection, answer: str) -> Objection:
    """The supervising president reads and answers; the party is told."""
    if actor.role != Role.COURT_PRESIDENT or actor.unit_id != objection.case.matter.unit_id:
        raise PermissionDenied("the court's president answers objections")
    if not answer.strip():
        raise invalid("answer", "write the answer the party will read")
    with transaction.atomic():
        objection.seen_by, objection.answer = actor, answer.strip()
        objection.save(update_fields=["seen_by", "answer"])
        notify(
            [objection.author],
            f"异议答复 Answer: {objection.case.number}",
            objection.answer,
            objection.case.matter,
        )
        audit(actor=actor, action="objection.answer", subject=objection)
    return objection
