"""Reads of the flow engine, always through ``for_user`` (one scoping, one 404)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet

from zhengfa.clock.clock import DEFAULT_DUE_SOON_DAYS
from zhengfa.flow import clocks as legal
from zhengfa.flow import ladder
from zhengfa.flow.common import now
from zhengfa.flow.models import (
    Approval,
    ApprovalStatus,
    Clock,
    ClockEvent,
    Matter,
    MatterEvent,
    MatterStatus,
    Notice,
)
from zhengfa.org.roles import Role
from zhengfa.org.scoping import Action, get_for_user

DUE_SOON = timedelta(days=DEFAULT_DUE_SOON_DAYS)


def urgency(matter: Matter, at: datetime) -> str:
    """on_time, due_soon, overdue, paused or closed: the workbench colour."""
    if matter.status == MatterStatus.CLOSED:
        return "closed"
    if matter.paused:
        return "paused"
    if matter.due_at is None:
        return "on_time"
    if matter.due_at < at:
        return "overdue"
    return "due_soon" if matter.due_at - at <= DUE_SOON else "on_time"


# What lists show: loading only these keeps a 300-row workbench cheap.
LIST_FIELDS = (
    "kind",
    "title",
    "stage",
    "status",
    "region",
    "unit__name",
    "owner__full_name",
    "owner__username",
    "due_on",
    "due_at",
    "paused",
    "enterprise_related",
    "version",
)


def _open(user: Any) -> QuerySet[Matter]:
    return (
        Matter.objects.for_user(user)
        .filter(status=MatterStatus.OPEN)
        .select_related("owner", "unit")
        .only(*LIST_FIELDS)
        .order_by("paused", "due_at", "pk")
    )


def my_matters(user: Any) -> list[Matter]:
    """The matters a person holds or takes part in, most urgent first (paused last)."""
    mine = Q(owner=user) | Q(escalated_to=user) | Q(participants__user=user)
    ids = Matter.objects.filter(mine).values("pk")
    return list(_open(user).filter(pk__in=ids))


def overdue_board(user: Any, at: datetime | None = None) -> list[Matter]:
    """Every overdue open matter in the user's jurisdiction (for supervisors)."""
    return list(_open(user).filter(due_at__lt=at or now(), paused=False))


def matter_for(user: Any, pk: int, action: Action = "view") -> Matter:
    return get_for_user(
        Matter.objects.select_related("owner", "unit", "region"), user, action, pk=pk
    )  # type: ignore[arg-type]


@dataclass
class TimelineEntry:
    at: datetime
    kind: str
    text: str
    basis: str
    actor: str


def timeline(matter: Matter) -> list[TimelineEntry]:
    """Matter events and clock events, in time order."""
    entries = [
        TimelineEntry(e.at, e.get_kind_display(), _stage_text(e), "", str(e.actor or "系统 system"))
        for e in MatterEvent.objects.filter(matter=matter).select_related("actor")
    ]
    entries += [
        TimelineEntry(
            e.recorded_at,
            f"{e.clock.label}: {e.get_kind_display()}",
            _clock_text(e),
            e.legal_basis,
            str(e.actor or "系统 system"),
        )
        for e in ClockEvent.objects.filter(clock__matter=matter).select_related("actor", "clock")
    ]
    return sorted(entries, key=lambda entry: entry.at)


def _stage_text(event: MatterEvent) -> str:
    moved = f"{event.from_stage} → {event.to_stage}" if event.from_stage else event.to_stage
    return " · ".join(part for part in (moved, event.note) if part)


def _clock_text(event: ClockEvent) -> str:
    moved = f" ({event.due_before} → {event.due_after})" if event.due_before else ""
    return f"{event.on} {event.reason}{moved}"


def clocks_of(matter: Matter) -> list[Clock]:
    return list(matter.clocks.order_by("pk"))


def explain(clock: Clock) -> list[dict[str, str]]:
    """The legal clock's own explanation of this clock's due date, step by step."""
    value = legal.replay(clock, clock.events.all())
    return [step.to_json() for step in value.explain()]


def approval_inbox(user: Any) -> list[Approval]:
    """Requests this person decides, forwards, or (registry) enters external decisions for."""
    base = Approval.objects.filter(
        status__in=(ApprovalStatus.PENDING, ApprovalStatus.FORWARDED)
    ).select_related("matter", "clock", "requested_by")
    if user.unit_id is None:
        return []
    mine = Q(approver_unit_id=user.unit_id) & Q(level__in=_levels_decided_by(user))
    if user.role in (Role.DIVISION_PRESIDENT, Role.COURT_PRESIDENT):
        mine |= Q(matter__unit_id=user.unit_id, status=ApprovalStatus.PENDING)
    if user.role == Role.COURT_REGISTRAR:
        mine |= Q(matter__unit_id=user.unit_id, approver_unit__isnull=True)
    return list(base.filter(mine).exclude(requested_by=user).order_by("requested_at"))


def _levels_decided_by(user: Any) -> list[str]:
    unit = user.unit
    return [
        level
        for level in (
            "division_president",
            "court_president",
            "agency_head",
            "higher_court",
            "higher_agency",
            "county",
        )
        if ladder.role_for_level(level, unit) == user.role
    ]


def approvals_for(user: Any, pk: int) -> Approval:
    """An approval the user may see: on a matter in their scope or addressed to them."""
    visible = Matter.objects.for_user(user).values("pk")
    addressed = Q(approver_unit_id=user.unit_id) if getattr(user, "unit_id", None) else Q(pk=None)
    found = (
        Approval.objects.select_related("matter", "matter__unit", "clock")
        .filter(Q(matter__in=visible) | addressed, pk=pk)
        .first()
    )
    if found is None:
        from django.http import Http404

        raise Http404("No approval matches the given query.")
    return found


def inbox(user: Any, limit: int = 50) -> list[Notice]:
    """The person's latest in-app notices (those sent with the inbox channel)."""
    latest = Notice.objects.filter(recipient=user).order_by("-created_at", "-pk")[: limit * 2]
    return [n for n in latest if "inbox" in n.channels][:limit]
