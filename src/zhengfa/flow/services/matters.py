"""Matter services: open, move on through the kind's stages, assign, edit.

Edits carry the version the editor read (optimistic locking): a stale version raises a
409 conflict and changes nothing. Moving on is allowed only along the kind's declared
stages, by a role the current stage names, within the mover's jurisdiction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import EmptyResultSet, PermissionDenied
from django.db import transaction

from zhengfa.flow import sql
from zhengfa.flow.common import Conflict, audit, invalid, legal_day, now
from zhengfa.flow.machine import Kind, Stage, get_kind
from zhengfa.flow.models import (
    Clock,
    ClockState,
    Holding,
    Matter,
    MatterEvent,
    MatterEventKind,
    MatterStatus,
    Participant,
)
from zhengfa.flow.services.clockops import due_of, start_row, stop_rows
from zhengfa.org.models import Grid, Region, Unit


def _check_in_scope(actor: Any, matter: Matter) -> None:
    if not Matter.objects.for_user(actor, "change").filter(pk=matter.pk).exists():
        raise PermissionDenied("this matter is outside your jurisdiction")


def _bump(matter: Matter, version: int, actor: Any, **changes: Any) -> None:
    """Apply ``changes`` only if the matter is in the actor's jurisdiction and nobody changed
    it since ``version``: one UPDATE carrying the scope condition (compiled once per scope
    from ``Matter.objects.for_user``); the reason is looked up only when it fails."""
    try:
        scope, scope_params = sql.scope_condition(Matter, actor, "change")
    except EmptyResultSet:
        raise PermissionDenied("this matter is outside your jurisdiction") from None
    where = "id = %s AND version = %s" + (f" AND ({scope})" if scope else "")
    if not sql.update(Matter, changes, where, [matter.pk, version, *scope_params], "version"):
        _check_in_scope(actor, matter)
        current = Matter.objects.values_list("version", flat=True).get(pk=matter.pk)
        raise Conflict(expected=version, current=current)
    for name, value in changes.items():
        setattr(matter, name, value)
    matter.version = version + 1


def matter_open(
    *,
    actor: Any,
    kind: str,
    title: str,
    region_code: str,
    unit: Unit,
    owner: Any = None,
    grid: Grid | None = None,
    enterprise_related: bool = False,
    on: date | None = None,
    participants: Iterable[Any] = (),
    deadline: tuple[int, str] | None = None,
) -> Matter:
    """Open a matter of ``kind`` in its initial stage and start its clocks.

    ``deadline`` (amount, unit) sets the overall limit of kinds that have no statutory rule
    (a task list's reply deadline)."""
    declared = get_kind(kind)
    _check_open_input(title, region_code, unit, owner, grid)
    opened_at = now()
    with transaction.atomic():
        matter = Matter.objects.create(
            kind=kind,
            title=title.strip(),
            region_id=region_code,
            grid=grid,
            unit=unit,
            owner=owner,
            stage=declared.initial,
            opened_at=opened_at,
            enterprise_related=enterprise_related,
        )
        # Participants first: a grid worker or citizen opening a matter is in its scope
        # only as a participant.
        Participant.objects.bulk_create(
            [Participant(matter=matter, user=p) for p in {p.pk: p for p in participants}.values()]
        )
        if actor is not None:  # None is the system: a public intake, a console command
            _check_in_scope(actor, matter)
        if owner is not None:
            Holding.objects.create(matter=matter, holder=owner, since=opened_at)
        MatterEvent.objects.create(
            matter=matter,
            kind=MatterEventKind.OPENED,
            at=opened_at,
            actor=actor,
            to_stage=declared.initial,
        )
        day = on or legal_day(opened_at)
        started = _start_overall(actor, matter, declared, day, deadline)
        started += _enter(actor, matter, declared.stage(declared.initial), day)
        fields = due_of(started)
        Matter.objects.filter(pk=matter.pk).update(**fields)
        for name, value in fields.items():
            setattr(matter, name, value)
        audit(
            actor=actor,
            action="matter.open",
            subject=matter,
            new={
                "kind": kind,
                "title": matter.title,
                "stage": matter.stage,
                "unit": unit.pk,
                "owner": getattr(owner, "pk", None),
            },
        )
    return matter


def _check_open_input(
    title: str, region_code: str, unit: Unit, owner: Any, grid: Grid | None
) -> None:
    if not title.strip():
        raise invalid("title", "a title is required (1–200 characters)")
    if not Region.objects.filter(code=region_code).exists():
        raise invalid(
            "region",
            f"unknown region code {region_code!r}; accepted: a GB/T 2260 "
            "code loaded in the platform",
        )
    if owner is not None and owner.unit_id != unit.pk:
        raise invalid(
            "owner", f"{owner} does not belong to {unit}; accepted: a member of the owning unit"
        )
    if grid is not None and not region_code.startswith(grid.region_id[: len(region_code)]):
        raise invalid("grid", f"grid {grid.code} is not inside region {region_code}")


def _start_overall(
    actor: Any, matter: Matter, kind: Kind, on: date, deadline: tuple[int, str] | None
) -> list[Clock]:
    if not kind.overall_rule and not deadline:
        return []
    rule, period = (kind.overall_rule, None) if kind.overall_rule else ("", deadline)
    return [
        start_row(
            actor=actor,
            matter=matter,
            purpose="overall",
            label=kind.label,
            rule=rule or "",
            period=period,
            on=on,
        )
    ]


def _enter(
    actor: Any, matter: Matter, stage: Stage, on: date, at: datetime | None = None
) -> list[Clock]:
    if stage.terminal or not stage.limit:
        return []
    return [
        start_row(
            actor=actor,
            matter=matter,
            purpose=f"stage:{stage.code}",
            label=stage.label,
            rule=stage.limit,
            on=on,
            at=at,
        )
    ]


def matter_move(
    *,
    actor: Any,
    matter: Matter,
    to_stage: str,
    version: int,
    note: str = "",
    on: date | None = None,
) -> Matter:
    """Move the matter on to ``to_stage``: the stage's clock stops, the next one starts;
    a terminal stage closes the matter and stops every clock. One audit row covers it all."""
    kind = get_kind(matter.kind)
    current = kind.stage(matter.stage)
    _check_move(actor, matter, kind, current, to_stage)
    target = kind.stage(to_stage)
    at = now()  # one instant for the whole step: events, closing, the audit row
    day = on or legal_day(at)
    with transaction.atomic():
        running = _open_clocks(matter.pk)
        leaving = [c for c in running if target.terminal or c.purpose == f"stage:{current.code}"]
        staying = [c for c in running if c not in leaving]
        closing = {"status": MatterStatus.CLOSED, "closed_at": at} if target.terminal else {}
        started = _enter(actor, matter, target, day, at)
        _bump(matter, version, actor, stage=to_stage, **due_of(staying + started), **closing)
        stop_rows(actor, leaving, day, reason=f"{current.label} → {target.label}", at=at)
        if target.terminal:
            sql.update(Holding, {"until": at}, "matter_id = %s AND until IS NULL", [matter.pk])
        sql.insert(
            MatterEvent,
            [
                {
                    "matter_id": matter.pk,
                    "kind": MatterEventKind.CLOSED if target.terminal else MatterEventKind.MOVED,
                    "at": at,
                    "actor_id": actor.pk,
                    "from_stage": current.code,
                    "to_stage": to_stage,
                    "note": note,
                }
            ],
        )
        audit(
            actor=actor,
            action="matter.move",
            subject=matter,
            old={"stage": current.code},
            new={
                "stage": to_stage,
                "version": matter.version,
                "clocks_stopped": [c.pk for c in leaving],
                "clocks_started": [c.pk for c in started],
            },
            reason=note,
        )
    return matter


@dataclass(slots=True)
class OpenClock:
    """What a transition needs of a matter's open clock (no model instance)."""

    pk: int
    purpose: str
    state: str
    started_on: date
    due_on: date
    due_at: datetime
    stopped_at: datetime | None = None
    next_alert_at: datetime | None = None


def _open_clocks(matter_id: int) -> list[OpenClock]:
    """The matter's clocks that are not stopped, approvers' deadlines excluded."""
    cursor = sql.statement_cursor()
    cursor.execute(_OPEN_CLOCKS, [matter_id, ClockState.STOPPED])
    rows = cursor.fetchall()
    return [
        OpenClock(pk, purpose, state, sql.read_day(on), sql.read_day(due_on), sql.read_at(due_at))
        for pk, purpose, state, on, due_on, due_at in rows
    ]


_OPEN_CLOCKS = (
    "SELECT c.id, c.purpose, c.state, c.started_on, c.due_on, c.due_at FROM flow_clock c "
    "WHERE c.matter_id = %s AND c.state <> %s AND NOT EXISTS "
    "(SELECT 1 FROM flow_approval a WHERE a.decision_clock_id = c.id)"
)


def _check_move(actor: Any, matter: Matter, kind: Kind, current: Stage, to_stage: str) -> None:
    if matter.status == MatterStatus.CLOSED:
        raise invalid("stage", "the matter is closed; accepted: an open matter")
    if to_stage not in current.next:
        raise invalid(
            "stage",
            f"{kind.code} cannot go from {current.code!r} to {to_stage!r}; "
            f"accepted: {', '.join(current.next)}",
        )
    if actor.role not in current.movers:
        raise PermissionDenied(
            f"only {', '.join(current.movers)} may move a matter on from {current.code!r}"
        )


def matter_assign(*, actor: Any, matter: Matter, owner: Any, version: int, reason: str) -> Matter:
    """Hand the matter to ``owner`` (a member of its unit); the holding history records it."""
    if owner.unit_id != matter.unit_id:
        raise invalid(
            "owner",
            f"{owner} is not a member of {matter.unit}; accepted: a member of the owning unit",
        )
    if not reason.strip():
        raise invalid("reason", "a reason is required for a (re)assignment")
    with transaction.atomic():
        previous = matter.owner_id
        _bump(matter, version, actor, owner=owner)
        at = now()
        Holding.objects.filter(matter=matter, until__isnull=True).update(until=at)
        Holding.objects.create(matter=matter, holder=owner, since=at)
        Clock.objects.filter(matter=matter, decides__isnull=True).exclude(
            state=ClockState.STOPPED
        ).update(holder=owner)
        MatterEvent.objects.create(
            matter=matter, kind=MatterEventKind.ASSIGNED, at=at, actor=actor, note=reason
        )
        audit(
            actor=actor,
            action="matter.assign",
            subject=matter,
            old={"owner": previous},
            new={"owner": owner.pk},
            reason=reason,
        )
    return matter


EDITABLE = ("title", "enterprise_related")


def matter_edit(*, actor: Any, matter: Matter, version: int, **changes: Any) -> Matter:
    """Change the matter's own fields (title, enterprise flag), with optimistic locking."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise invalid(sorted(unknown)[0], f"not editable; accepted: {', '.join(EDITABLE)}")
    if "title" in changes and not str(changes["title"]).strip():
        raise invalid("title", "a title is required (1–200 characters)")
    with transaction.atomic():
        old = {name: getattr(matter, name) for name in changes}
        _bump(matter, version, actor, **changes)
        MatterEvent.objects.create(
            matter=matter,
            kind=MatterEventKind.EDITED,
            at=now(),
            actor=actor,
            note=", ".join(sorted(changes)),
        )
        audit(actor=actor, action="matter.edit", subject=matter, old=old, new=changes)
    return matter
