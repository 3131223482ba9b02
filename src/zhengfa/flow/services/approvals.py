"""Approvals: requests to extend, deduct or suspend a clock, and their decisions.

A request names a lawful reason from the rule's list, is filed before the rule's request
deadline (civil trial limits: 15 days before expiry — legal-time-limits §5.4), and goes to
the level the rule's ladder names. A division president may review and forward it; only
the named level decides (approve, reject, return for more detail). The approver's own
deadline (the decision deadline, e.g. 5 days before expiry) runs on a clock of its own.
A level outside the platform is decided externally and entered by the registry.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from zhengfa.clock.limits import Approver
from zhengfa.flow import clocks as legal
from zhengfa.flow import ladder
from zhengfa.flow.common import audit, invalid, legal_day, now
from zhengfa.flow.models import (
    Approval,
    ApprovalKind,
    ApprovalStatus,
    Clock,
    ClockState,
    Matter,
)
from zhengfa.flow.notices import notify
from zhengfa.flow.services.clockops import (
    clock_deduct,
    clock_extend,
    clock_pause,
    clock_start,
    clock_stop,
)
from zhengfa.org.roles import Role

EXTENSION_REASON = "special_circumstances"  # 有特殊情况需要延长 (CPL art. 152, ALL art. 81, …)
OPEN = (ApprovalStatus.PENDING, ApprovalStatus.FORWARDED)
DECISIONS = ("approve", "reject", "return")


def _required_level(clock: Clock, kind: str) -> str:
    if kind == ApprovalKind.EXTEND:
        step = legal.next_extension_step(clock.rule, clock.extensions_used)
        if step is None:
            raise invalid(
                "kind",
                f"{clock.rule or 'this clock'} cannot be extended "
                f"(further); {clock.extensions_used} extension(s) granted",
            )
        return str(step.approver)
    # No statute names who approves a deduction or suspension; courts' own rules have the
    # president approve it, agencies their head (ADR 0003).
    return Approver.COURT_PRESIDENT if ladder.is_court_rule(clock.rule) else Approver.AGENCY_HEAD


def _check_reason(clock: Clock, kind: str, reason_code: str) -> None:
    if kind == ApprovalKind.EXTEND:
        accepted = [EXTENSION_REASON]
    else:
        accepted = [r.code for r in legal.excluded_reasons(clock.rule)]
    if reason_code not in accepted:
        raise invalid(
            "reason_code",
            f"{reason_code!r} is not a lawful reason for this "
            f"{kind} of {clock.rule or 'clock'}; accepted: {', '.join(accepted)}",
        )


def _request_window(clock: Clock, today: date) -> date | None:
    """Refuse a request after expiry or after the rule's request deadline; return the
    decision deadline (None: before expiry)."""
    if clock.state == ClockState.STOPPED:
        raise invalid("clock", "the clock is stopped; accepted: a running or paused clock")
    if today > clock.due_on:
        raise invalid(
            "clock", f"the limit expired on {clock.due_on}; a request must be filed before expiry"
        )
    limit = legal.limit_rule(clock.rule)
    deadlines = limit.deadlines if limit else None
    if deadlines is None:
        return None
    # "N days before expiry" counts calendar days back from the due date (§5.4).
    last_day = clock.due_on - timedelta(days=deadlines.request_days_before)
    if today > last_day:
        raise invalid(
            "clock",
            f"requests must be filed at least {deadlines.request_days_before} "
            f"days before expiry ({clock.due_on}), i.e. by {last_day} "
            f"({deadlines.citation})",
        )
    if deadlines.decision_days_before is None:
        return None
    return clock.due_on - timedelta(days=deadlines.decision_days_before)


def approval_request(
    *,
    actor: Any,
    clock: Clock,
    kind: str,
    reason_code: str,
    detail: str,
    amount: int | None = None,
    unit: str = "",
    pause_from: date | None = None,
    days: int | None = None,
) -> Approval:
    """File a request; it goes to the deciders of the level the rule requires."""
    if kind not in ApprovalKind.values:
        raise invalid("kind", f"accepted: {', '.join(ApprovalKind.values)}")
    if not detail.strip():
        raise invalid("detail", "explain the request (the approver reads it)")
    matter = clock.matter
    _check_can_request(actor, clock)
    _check_reason(clock, kind, reason_code)
    _check_shape(kind, pause_from, days)
    level = _required_level(clock, kind)
    today = legal_day()
    decide_by = _request_window(clock, today)
    with transaction.atomic():
        if Approval.objects.filter(clock=clock, status__in=OPEN).exists():
            raise invalid("clock", "a request on this clock is already open; wait for its decision")
        approval = Approval.objects.create(
            matter=matter,
            clock=clock,
            kind=kind,
            reason_code=reason_code,
            detail=detail,
            amount=amount,
            unit=unit,
            pause_from=pause_from,
            pause_days=days,
            level=level,
            approver_unit=ladder.approver_unit(level, matter.unit),
            requested_by=actor,
            requested_at=now(),
        )
        _start_decision_clock(actor, approval, today, decide_by or clock.due_on)
        notify(
            _deciders_or_registry(approval),
            f"待审批 Approval needed: {matter.title}",
            f"{approval.get_kind_display()} — {detail}",
            matter,
        )
        audit(
            actor=actor,
            action="approval.request",
            subject=approval,
            new={"kind": kind, "level": level, "reason_code": reason_code},
        )
    return approval


def _check_can_request(actor: Any, clock: Clock) -> None:
    if not Matter.objects.for_user(actor, "change").filter(pk=clock.matter_id).exists():
        raise PermissionDenied("this matter is outside your jurisdiction")
    if Approval.objects.filter(decision_clock=clock).exists():
        raise invalid("clock", "an approver's deadline cannot itself be extended")


def _check_shape(kind: str, pause_from: date | None, days: int | None) -> None:
    if kind == ApprovalKind.SUSPEND and pause_from is None:
        raise invalid("pause_from", "a suspension needs the date it starts (YYYY-MM-DD)")
    if kind == ApprovalKind.DEDUCT and not days:
        raise invalid("days", "a deduction needs the number of days that do not count (≥ 1)")


def _start_decision_clock(actor: Any, approval: Approval, today: date, decide_by: date) -> None:
    clock = clock_start(
        actor=actor,
        matter=approval.matter,
        purpose="approval",
        rule="",
        label=f"审批期限 decision deadline ({approval.level})",
        period=(max((decide_by - today).days, 0), "days"),
        on=today,
        holder=next(iter(ladder.deciders(approval.level, approval.matter.unit)), None),
        legal_basis="SPC-2019 art. 1; SPC-2000 art. 14 (decision before expiry)",
    )
    approval.decision_clock = clock
    approval.save(update_fields=["decision_clock"])


def _deciders_or_registry(approval: Approval) -> list[Any]:
    found = ladder.deciders(approval.level, approval.matter.unit)
    if found:
        return found
    from zhengfa.org.models import User

    return list(User.objects.filter(unit=approval.matter.unit, role=Role.COURT_REGISTRAR))


def _lock_open(approval: Approval) -> Approval:
    locked = (
        Approval.objects.select_for_update(of=("self",))
        .select_related("clock", "matter", "matter__unit", "matter__unit__parent")
        .get(pk=approval.pk)
    )
    if locked.status not in OPEN:
        raise invalid(
            "status",
            f"the request is already {locked.status}; accepted: a pending or forwarded request",
        )
    return locked


def approval_forward(*, actor: Any, approval: Approval, note: str) -> Approval:
    """A division president (or the unit's head) reviews and forwards to the named level."""
    with transaction.atomic():
        locked = _lock_open(approval)
        held = ladder.level_held(actor, locked.matter.unit)
        if held is None or held == locked.level or actor.pk == locked.requested_by_id:
            raise PermissionDenied(
                "only a reviewer of the requesting unit below the deciding "
                "level may forward this request"
            )
        locked.status, locked.forwarded_by = ApprovalStatus.FORWARDED, actor
        locked.decision_note = note
        locked.save(update_fields=["status", "forwarded_by", "decision_note"])
        notify(
            _deciders_or_registry(locked),
            f"审核转报 Forwarded: {locked.matter.title}",
            note,
            locked.matter,
        )
        audit(actor=actor, action="approval.forward", subject=locked, reason=note)
    return locked


def approval_decide(*, actor: Any, approval: Approval, decision: str, note: str = "") -> Approval:
    """Approve, reject or return, by the level the request names and nobody else."""
    if decision not in DECISIONS:
        raise invalid("decision", f"accepted: {', '.join(DECISIONS)}")
    if decision != "approve" and not note.strip():
        raise invalid("note", "say why (the requester sees it)")
    with transaction.atomic():
        locked = _lock_open(approval)
        if actor.pk == locked.requested_by_id:
            raise PermissionDenied("you cannot decide your own request")
        held = ladder.level_held(actor, locked.matter.unit)
        if held != locked.level:
            raise PermissionDenied(
                f"this request needs a decision at level {locked.level}; "
                f"your level for it is {held or 'none'}"
            )
        return _decide(actor, locked, decision, note, legal_day())


def approval_record_external(
    *,
    actor: Any,
    approval: Approval,
    decision: str,
    authority: str,
    document: str,
    decided_on: date,
    note: str = "",
) -> Approval:
    """The registry enters a decision made outside the platform (e.g. the high court)."""
    for field, value in (("authority", authority), ("document", document)):
        if not value.strip():
            raise invalid(field, "required for an external decision (name, document number)")
    if decision not in DECISIONS:
        raise invalid("decision", f"accepted: {', '.join(DECISIONS)}")
    with transaction.atomic():
        locked = _lock_open(approval)
        if actor.role != Role.COURT_REGISTRAR or actor.unit_id != locked.matter.unit_id:
            raise PermissionDenied(
                "external decisions are entered by the registry of the requesting court"
            )
        if locked.approver_unit_id is not None and locked.level not in ladder.EXTERNAL_LEVELS:
            if ladder.deciders(locked.level, locked.matter.unit):
                raise PermissionDenied(f"level {locked.level} decides in the platform")
        locked.external_authority, locked.external_document = authority, document
        locked.external_date = decided_on
        return _decide(actor, locked, decision, note, decided_on)


def _decide(actor: Any, approval: Approval, decision: str, note: str, on: date) -> Approval:
    status = {
        "approve": ApprovalStatus.APPROVED,
        "reject": ApprovalStatus.REJECTED,
        "return": ApprovalStatus.RETURNED,
    }[decision]
    approval.status, approval.decided_by, approval.decided_at = status, actor, now()
    approval.decision_note = note
    approval.save()
    if status == ApprovalStatus.APPROVED:
        _apply(actor, approval, on)
    deadline = approval.decision_clock
    if deadline is not None:
        clock_stop(
            actor=actor,
            clock=deadline,
            on=max(legal_day(), deadline.started_on),
            reason=f"decided: {decision}",
        )
    notify(
        [approval.requested_by],
        f"审批结果 Decision: {approval.get_status_display()}",
        note or approval.detail,
        approval.matter,
    )
    audit(
        actor=actor,
        action=f"approval.{decision}",
        subject=approval,
        new={"status": status, "external": approval.external_document},
        reason=note,
    )
    return approval


def _apply(actor: Any, approval: Approval, on: date) -> None:
    clock, reason = approval.clock, approval.detail
    if approval.kind == ApprovalKind.EXTEND:
        clock_extend(
            actor=actor,
            clock=clock,
            on=on,
            level=approval.level,
            reason=reason,
            amount=approval.amount,
            unit=approval.unit or "months",
            approval=approval,
        )
    elif approval.kind == ApprovalKind.DEDUCT:
        clock_deduct(
            actor=actor,
            clock=clock,
            on=on,
            days=approval.pause_days or 0,
            reason_code=approval.reason_code,
            reason=reason,
            approval=approval,
        )
    else:
        assert approval.pause_from is not None
        clock_pause(
            actor=actor,
            clock=clock,
            on=approval.pause_from,
            reason_code=approval.reason_code,
            reason=reason,
            approval=approval,
        )
