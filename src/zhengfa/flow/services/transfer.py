"""Hand a matter over to another unit (a dispute escalated one level up, a petition routed
to the competent agency): new owning unit and owner, holding history kept, one audit row.

Clocks are left alone: the calling domain stops and starts the limits the new unit runs
under (``clock_stop`` / ``clock_start``) in the same transaction. ``actor=None`` is the
system (a sweep acting on an overdue limit); a person must have the matter in scope.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F

from zhengfa.flow.common import Conflict, audit, invalid, now
from zhengfa.flow.models import (
    Clock,
    ClockState,
    Holding,
    Matter,
    MatterEvent,
    MatterEventKind,
    MatterStatus,
)
from zhengfa.flow.services.matters import _check_in_scope
from zhengfa.org.models import Unit


def matter_transfer(
    *, actor: Any, matter: Matter, unit: Unit, owner: Any, version: int, reason: str
) -> Matter:
    """Move ``matter`` to ``unit`` with ``owner`` (a member of it, or None)."""
    _check_transfer_input(matter, unit, owner, reason)
    at = now()
    with transaction.atomic():
        previous = {"unit": matter.unit_id, "owner": matter.owner_id}
        candidates = Matter.objects.all() if actor is None else Matter.objects.for_user(actor)
        updated = candidates.filter(pk=matter.pk, version=version).update(
            version=F("version") + 1, unit=unit, owner=owner, escalated_to=None
        )
        if not updated:
            if actor is not None:
                _check_in_scope(actor, matter)
            current = Matter.objects.values_list("version", flat=True).get(pk=matter.pk)
            raise Conflict(expected=version, current=current)
        matter.unit, matter.owner, matter.escalated_to = unit, owner, None
        matter.version = version + 1
        Holding.objects.filter(matter=matter, until__isnull=True).update(until=at)
        if owner is not None:
            Holding.objects.create(matter=matter, holder=owner, since=at)
        Clock.objects.filter(matter=matter, decides__isnull=True).exclude(
            state=ClockState.STOPPED
        ).update(holder=owner)
        MatterEvent.objects.create(
            matter=matter, kind=MatterEventKind.ASSIGNED, at=at, actor=actor, note=reason
        )
        audit(
            actor=actor,
            action="matter.transfer",
            subject=matter,
            old=previous,
            new={"unit": unit.pk, "owner": getattr(owner, "pk", None)},
            reason=reason,
        )
    return matter


def _check_transfer_input(matter: Matter, unit: Unit, owner: Any, reason: str) -> None:
    if matter.status == MatterStatus.CLOSED:
        raise invalid("matter", "the matter is closed; accepted: an open matter")
    if owner is not None and owner.unit_id != unit.pk:
        raise invalid(
            "owner", f"{owner} does not belong to {unit}; accepted: a member of the new unit"
        )
    if not reason.strip():
        raise invalid("reason", "a reason is required for a transfer")
