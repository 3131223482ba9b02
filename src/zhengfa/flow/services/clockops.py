"""Clock services: start, pause, resume, deduct, extend, stop — each a recorded event.

Every change appends a ``ClockEvent`` (reason, legal basis, actor), replays the clock's
events through the legal clock and stores what it computes, so the stored due date is by
construction the replayed one. The clock library checks lawfulness (reasons, ladder,
pauses); its errors become field errors here, and the transaction leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from django.db import transaction

from zhengfa.flow import clocks as legal
from zhengfa.flow import sql
from zhengfa.flow.common import audit, invalid, legal_day, now
from zhengfa.flow.models import (
    Approval,
    Clock,
    ClockEvent,
    ClockEventKind,
    ClockState,
    Matter,
    MatterStatus,
    Warning,
)
from zhengfa.flow.thresholds import thresholds_of


@contextmanager
def lawful(field: str) -> Iterator[None]:
    """Turn the legal clock's refusal into a field error naming what is accepted."""
    try:
        yield
    except legal.ClockError as exc:
        raise invalid(field, str(exc)) from exc


def next_alert(
    clock: Clock, fired: set[int], thresholds: tuple[int, ...] | None = None
) -> datetime | None:
    """The next instant the sweeper must look at this clock, or None (paused, stopped, done)."""
    if clock.state != ClockState.RUNNING:
        return None
    pending = [t for t in thresholds or thresholds_of(clock) if t not in fired]
    return clock.due_at - timedelta(seconds=pending[0]) if pending else None


def store(clock: Clock, value: legal.LegalClock, fired: set[int] | None = None) -> None:
    """Copy what the legal clock computed onto the row (the caller saves it)."""
    result = legal.compute(value)
    clock.due_on, clock.due_at = result.due_on, result.due_at
    clock.calendar_warnings = list(result.warnings)
    clock.span_kind = result.span_kind
    if fired is None:
        fired = set(Warning.objects.filter(clock=clock).values_list("threshold_s", flat=True))
    clock.next_alert_at = next_alert(clock, fired)


def refresh_matter_due(matter: Matter) -> None:
    """The matter's current due date is its earliest running clock (approvers' excluded)."""
    clocks = list(
        matter.clocks.exclude(state=ClockState.STOPPED)
        .filter(decides__isnull=True)
        .only("state", "due_on", "due_at")
    )
    fields = due_of(clocks)
    for name, value in fields.items():
        setattr(matter, name, value)
    Matter.objects.filter(pk=matter.pk).update(**fields)


def clock_start(
    *,
    actor: Any,
    matter: Matter,
    purpose: str,
    label: str,
    rule: str = "",
    period: tuple[int, str] | None = None,
    on: date | None = None,
    at: datetime | None = None,
    holder: Any = None,
    legal_basis: str = "",
) -> Clock:
    """Start a clock on ``matter`` under ``rule`` (or a bare ``period`` as (amount, unit))."""
    if matter.status == MatterStatus.CLOSED:
        raise invalid("matter", "the matter is closed; accepted: an open matter")
    with transaction.atomic():
        clock = start_row(
            actor=actor,
            matter=matter,
            purpose=purpose,
            label=label,
            rule=rule,
            period=period,
            on=on,
            at=at,
            holder=holder,
            legal_basis=legal_basis,
        )
        refresh_matter_due(matter)
        audit(actor=actor, action="clock.start", subject=clock, new=_snapshot(clock))
    return clock


def start_row(
    *,
    actor: Any,
    matter: Matter,
    purpose: str,
    label: str,
    rule: str = "",
    period: tuple[int, str] | None = None,
    on: date | None = None,
    at: datetime | None = None,
    holder: Any = None,
    legal_basis: str = "",
) -> Clock:
    """The clock row and its start event, without the matter's due date or the audit row
    (the calling service writes those once for the whole change)."""
    started_at = at or now()
    started_on = on or legal_day(started_at)
    with lawful("rule" if rule else "period"):
        amount = legal.period_of(*period) if period else None
        value = legal.new_value(
            rule=rule, started_on=started_on, started_at=started_at, period=amount
        )
    clock = sql.instance(
        Clock,
        {
            "matter_id": matter.pk,
            "purpose": purpose,
            "label": label,
            "rule": rule,
            "period_amount": period[0] if period else None,
            "period_unit": period[1] if period else "",
            "started_on": started_on,
            "started_at": started_at,
            "state": ClockState.RUNNING,
            "holder_id": holder.pk if holder is not None else matter.owner_id,
        },
    )
    Clock.matter.field.set_cached_value(clock, matter)  # as Clock(matter=matter) would
    store(clock, value, fired=set())
    (clock.pk,) = sql.insert(Clock, [_clock_row(clock)], returning=True)
    clock._state.adding = False
    basis = legal_basis or _rule_basis(rule)
    sql.insert(
        ClockEvent,
        [_event_row(clock.pk, ClockEventKind.START, actor, started_on, f"起算 {label}", basis)],
    )
    return clock


_CLOCK_FIELDS = (
    "matter_id",
    "purpose",
    "label",
    "rule",
    "period_amount",
    "period_unit",
    "started_on",
    "started_at",
    "state",
    "due_on",
    "due_at",
    "calendar_warnings",
    "span_kind",
    "next_alert_at",
    "holder_id",
    "extensions_used",
    "stopped_at",
)


def _clock_row(clock: Clock) -> dict[str, Any]:
    return {name: getattr(clock, name) for name in _CLOCK_FIELDS}


def _event_row(
    clock_id: int,
    kind: str,
    actor: Any,
    on: date,
    reason: str,
    basis: str,
    due_before: date | None = None,
    due_after: date | None = None,
    recorded_at: datetime | None = None,
) -> dict[str, Any]:
    """A ClockEvent row with every column the ORM would write (defaults included)."""
    return {
        "clock_id": clock_id,
        "kind": kind,
        "on": on,
        "days": None,
        "amount": None,
        "unit": "",
        "level": "",
        "reason_code": "",
        "reason": reason,
        "legal_basis": basis[:200],
        "actor_id": actor.pk if getattr(actor, "pk", None) else None,
        "approval_id": None,
        "due_before": due_before,
        "due_after": due_after,
        "recorded_at": recorded_at or now(),
    }


class Stoppable(Protocol):
    pk: Any
    state: str
    started_on: date
    due_on: date
    due_at: datetime
    stopped_at: datetime | None
    next_alert_at: datetime | None


def stop_rows(
    actor: Any, clocks: Sequence[Stoppable], day: date, reason: str, at: datetime | None = None
) -> None:
    """Stop ``clocks`` on ``day`` in two statements. Stopping never moves a due date (the
    legal clock's ``stop`` only closes it), so nothing needs replaying."""
    if not clocks:
        return
    at = at or now()
    ids = [c.pk for c in clocks]
    changes = {"state": ClockState.STOPPED, "stopped_at": at, "next_alert_at": None}
    marks = ", ".join(["%s"] * len(ids))
    sql.update(Clock, changes, f"id IN ({marks})", ids)
    basis = "SPC-2000 art. 10 结案日期"
    sql.insert(
        ClockEvent,
        [
            _event_row(
                c.pk,
                ClockEventKind.STOP,
                actor,
                max(day, c.started_on),
                reason,
                basis,
                due_before=c.due_on,
                due_after=c.due_on,
                recorded_at=at,
            )
            for c in clocks
        ],
    )
    for clock in clocks:
        clock.state, clock.stopped_at, clock.next_alert_at = ClockState.STOPPED, at, None


def due_of(clocks: Sequence[Any]) -> dict[str, Any]:
    """The matter's due fields from its open clocks: the earliest running one; paused when
    every open clock is paused."""
    running = sorted((c.due_at, c.due_on) for c in clocks if c.state == ClockState.RUNNING)
    due_at, due_on = running[0] if running else (None, None)
    return {"due_at": due_at, "due_on": due_on, "paused": bool(clocks) and not running}


def _rule_basis(rule: str) -> str:
    limit = legal.limit_rule(rule)
    return "; ".join(limit.citations) if limit else "交办期限 deadline set by the issuer"


def _event(
    clock: Clock, kind: str, actor: Any, on: date, reason: str, basis: str, **extra: Any
) -> ClockEvent:
    return ClockEvent.objects.create(
        clock=clock,
        kind=kind,
        on=on,
        reason=reason,
        legal_basis=basis[:200],
        actor=actor if getattr(actor, "pk", None) else None,
        recorded_at=now(),
        **extra,
    )


def _snapshot(clock: Clock) -> dict[str, Any]:
    return {
        "state": clock.state,
        "due_on": clock.due_on.isoformat(),
        "due_at": clock.due_at.isoformat(),
        "extensions_used": clock.extensions_used,
    }


def _change(
    *,
    actor: Any,
    clock: Clock,
    kind: str,
    on: date,
    reason: str,
    legal_basis: str,
    field: str,
    approval: Approval | None = None,
    **extra: Any,
) -> Clock:
    """Validate one event through the legal clock, then record it and store the result."""
    with transaction.atomic():
        locked = (
            Clock.objects.select_for_update(of=("self",)).select_related("matter").get(pk=clock.pk)
        )
        if locked.state == ClockState.STOPPED:
            raise invalid(
                field, f"the clock stopped on {locked.stopped_at:%Y-%m-%d}; it takes no more events"
            )
        events = list(locked.events.all())
        event = ClockEvent(clock=locked, kind=kind, on=on, reason=reason, **extra)
        with lawful(field):
            value = legal.apply(legal.replay(locked, events), event)
        before = _snapshot(locked)
        _event(
            locked,
            kind,
            actor,
            on,
            reason,
            legal_basis,
            approval=approval,
            due_before=locked.due_on,
            due_after=value.due_on,
            **extra,
        )
        locked.state = _state_after(kind, locked.state)
        locked.extensions_used += kind == ClockEventKind.EXTEND
        locked.stopped_at = now() if kind == ClockEventKind.STOP else locked.stopped_at
        store(locked, value)
        locked.save()
        refresh_matter_due(locked.matter)
        audit(
            actor=actor,
            action=f"clock.{kind}",
            subject=locked,
            old=before,
            new=_snapshot(locked),
            reason=reason,
        )
    return locked


_STATE_AFTER: dict[str, str] = {
    ClockEventKind.PAUSE: ClockState.PAUSED,
    ClockEventKind.RESUME: ClockState.RUNNING,
    ClockEventKind.STOP: ClockState.STOPPED,
}


def _state_after(kind: str, state: str) -> str:
    return _STATE_AFTER.get(kind, state)


def _reason_basis(clock: Clock, code: str) -> str:
    found = next((r for r in legal.excluded_reasons(clock.rule) if r.code == code), None)
    return f"{found.zh} {found.en} — {found.citation}" if found else code


def clock_pause(
    *,
    actor: Any,
    clock: Clock,
    on: date,
    reason_code: str,
    reason: str,
    approval: Approval | None = None,
) -> Clock:
    """中止: from ``on`` the clock stops counting (reason from the rule's lawful list)."""
    return _change(
        actor=actor,
        clock=clock,
        kind=ClockEventKind.PAUSE,
        on=on,
        reason=reason,
        legal_basis=_reason_basis(clock, reason_code),
        field="reason_code",
        approval=approval,
        reason_code=reason_code,
    )


def clock_resume(*, actor: Any, clock: Clock, on: date, reason: str) -> Clock:
    """恢复: the pause ends on ``on``."""
    return _change(
        actor=actor,
        clock=clock,
        kind=ClockEventKind.RESUME,
        on=on,
        reason=reason,
        legal_basis="SPC-2000 art. 9(9) 中止至恢复",
        field="on",
    )


def clock_deduct(
    *,
    actor: Any,
    clock: Clock,
    on: date,
    days: int,
    reason_code: str,
    reason: str,
    approval: Approval | None = None,
) -> Clock:
    """扣除: ``days`` do not count (reason from the rule's lawful list)."""
    return _change(
        actor=actor,
        clock=clock,
        kind=ClockEventKind.DEDUCT,
        on=on,
        reason=reason,
        legal_basis=_reason_basis(clock, reason_code),
        field="days",
        approval=approval,
        reason_code=reason_code,
        days=days,
    )


def clock_extend(
    *,
    actor: Any,
    clock: Clock,
    on: date,
    level: str,
    reason: str,
    amount: int | None = None,
    unit: str = "",
    approval: Approval | None = None,
) -> Clock:
    """延长, approved at ``level`` (checked against the rule's ladder by the legal clock)."""
    step = legal.next_extension_step(clock.rule, clock.extensions_used)
    basis = step.citation if step else "extension"
    return _change(
        actor=actor,
        clock=clock,
        kind=ClockEventKind.EXTEND,
        on=on,
        reason=reason,
        legal_basis=basis,
        field="amount",
        approval=approval,
        amount=amount,
        unit=unit,
        level=level,
    )


def clock_stop(*, actor: Any, clock: Clock, on: date, reason: str) -> Clock:
    """The limit's work is done (结案, the stage left): the clock takes no more events."""
    with transaction.atomic():
        locked = Clock.objects.select_for_update(of=("self",)).select_related("matter")
        locked_clock = locked.get(pk=clock.pk)
        if locked_clock.state == ClockState.STOPPED:
            raise invalid("clock", "the clock is already stopped")
        before = _snapshot(locked_clock)
        stop_rows(actor, [locked_clock], on, reason)
        refresh_matter_due(locked_clock.matter)
        audit(
            actor=actor,
            action="clock.stop",
            subject=locked_clock,
            old=before,
            new=_snapshot(locked_clock),
            reason=reason,
        )
    return locked_clock
