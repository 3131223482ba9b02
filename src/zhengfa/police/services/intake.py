"""接处警: a call or online report becomes a matter where it happened.

Everything is checked before anything is written: the channel and who may use it, the
category, the priority, the text and the point (inside a grid of the city, on a beat).
Triage runs on the report first (``triage.match_rule``): a report a rule diverts becomes
the receiving unit's matter; any other is a police incident of the beat's station, owned
by the officer on duty there now, with its dispatch and closure clocks running.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction

from zhengfa.clock.clock import SHANGHAI
from zhengfa.flow.common import invalid, legal_day, now
from zhengfa.flow.models import Clock, Matter
from zhengfa.flow.services.clockops import clock_start, refresh_matter_due, start_row
from zhengfa.flow.services.matters import matter_move, matter_open
from zhengfa.org.models import Grid, PoliceBeat
from zhengfa.org.roles import Role
from zhengfa.police.flows import INCIDENT_KIND
from zhengfa.police.models import (
    Category,
    Disposition,
    Incident,
    IntakeChannel,
    Priority,
    Referral,
    Shift,
)
from zhengfa.police.places import area_of, grid_at
from zhengfa.police.services.common import record, require_role
from zhengfa.police.targets import target_for

CHANNEL_ROLES: dict[str, tuple[str, ...]] = {
    IntakeChannel.CALL: (Role.POLICE_OFFICER,),  # the call-taker records a 110 call
    IntakeChannel.ONLINE: (Role.CITIZEN,),
}
DEFAULT_PRIORITY: dict[str, int] = {
    Category.CRIMINAL: Priority.URGENT,
    Category.FIRE_RESCUE: Priority.URGENT,
    Category.TRAFFIC: Priority.HIGH,
    Category.PUBLIC_ORDER: Priority.HIGH,
}


@dataclass(frozen=True)
class Report:
    channel: str
    category: str
    description: str
    lon: float
    lat: float
    priority: int | None = None


def incident_receive(*, actor: Any, report: Report, at: datetime | None = None) -> Incident:
    """Record a report; divert it by the triage rules or open it as a police incident."""
    from zhengfa.police.services.triage import divert, match_rule

    priority = _check_report(actor, report)
    grid = grid_at(report.lon, report.lat)
    received_at = at or now()
    rule = match_rule(report.category, report.description)
    with transaction.atomic():
        if rule is not None:
            return divert(actor=actor, report=report, grid=grid, rule=rule, at=received_at)
        return open_incident(
            actor=actor, report=report, grid=grid, priority=priority, at=received_at
        )


def open_incident(
    *,
    actor: Any,
    report: Report,
    grid: Grid,
    priority: int,
    at: datetime,
    returned_from: Referral | None = None,
) -> Incident:
    """A police incident of the beat's station with its dispatch and closure clocks."""
    beat: PoliceBeat = grid.beat  # type: ignore[assignment]  # grid_at refuses beat-less grids
    area = area_of(grid)
    target = target_for(report.category, area)
    matter = matter_open(
        actor=None,  # the intake itself: the call-taker may belong to the city's 110 centre
        kind=INCIDENT_KIND,
        title=f"{Category(report.category).label}: {report.description}"[:200],
        region_code=grid.region_id,
        unit=beat.station,
        owner=on_duty(beat, at),
        grid=grid,
        on=legal_day(at),
        participants=[actor] if actor.role == Role.CITIZEN else [],
    )
    # Both clocks in bulk form: one due-date refresh, and the incident's audit row below
    # lists them (flow's start_row leaves both to the calling service).
    clocks = [
        _minute_clock(
            start_row,
            actor,
            matter,
            "overall",
            "处置 Closure",
            target.close_minutes,
            at,
            target.basis,
        ),
        _minute_clock(
            start_row,
            actor,
            matter,
            "stage:received",
            "派警 Dispatch",
            target.dispatch_minutes,
            at,
            target.basis,
        ),
    ]
    refresh_matter_due(matter)
    incident = Incident.objects.create(
        matter=matter,
        channel=report.channel,
        received_at=at,
        category=report.category,
        priority=priority,
        area=area,
        description=report.description.strip(),
        lon=report.lon,
        lat=report.lat,
        grid=grid,
        beat=beat,
        disposition=Disposition.POLICE,
        reported_by=actor,
        returned_from=returned_from,
    )
    record(
        actor=actor,
        action="incident.receive",
        subject=incident,
        new={
            "category": report.category,
            "priority": priority,
            "beat": beat.code,
            "area": area,
            "clocks_started": [c.pk for c in clocks],
        },
    )
    return incident


def _minute_clock(
    start: Callable[..., Clock],
    actor: Any,
    matter: Matter,
    purpose: str,
    label: str,
    minutes: int,
    at: datetime,
    basis: str,
) -> Clock:
    """A clock of ``minutes`` from the instant ``at``, started by ``start`` (flow's
    ``clock_start``, or ``start_row`` for the bulk form)."""
    return start(
        actor=actor,
        matter=matter,
        purpose=purpose,
        label=label,
        period=(minutes, "minutes"),
        at=at,
        on=legal_day(at),
        legal_basis=basis,
    )


def on_duty(beat: PoliceBeat, at: datetime) -> Any:
    """The officer whose shift covers ``beat`` at ``at`` (latest roster first), or None."""
    day = legal_day(at)
    shifts = Shift.objects.filter(beat=beat, day__in=(day, day - timedelta(days=1))).select_related(
        "officer", "roster"
    )
    local = at.astimezone(SHANGHAI)
    for shift in sorted(shifts, key=lambda s: s.roster.created_at, reverse=True):
        begins = datetime.combine(shift.day, datetime.min.time(), SHANGHAI) + timedelta(
            hours=shift.start_hour
        )
        if begins <= local < begins + timedelta(hours=shift.hours):
            return shift.officer if shift.officer.unit_id == beat.station_id else None
    return None


def _check_report(actor: Any, report: Report) -> int:
    if report.channel not in CHANNEL_ROLES:
        raise invalid(
            "channel",
            f"unknown channel {report.channel!r}; accepted: {', '.join(IntakeChannel.values)}",
        )
    require_role(actor, CHANNEL_ROLES[report.channel], f"report by {report.channel}")
    if report.category not in Category.values:
        raise invalid(
            "category",
            f"unknown category {report.category!r}; accepted: {', '.join(Category.values)}",
        )
    if not report.description.strip() or len(report.description) > 2000:
        raise invalid("description", "a description is required (1–2000 characters)")
    priority = report.priority or DEFAULT_PRIORITY.get(report.category, Priority.NORMAL)
    if priority not in Priority.values:
        raise invalid("priority", "accepted: 1 (urgent), 2 (high) or 3 (normal)")
    return int(priority)


def _step(actor: Any, incident: Incident, to_stage: str, **times: datetime) -> Incident:
    matter = incident.matter
    matter_move(actor=actor, matter=matter, to_stage=to_stage, version=matter.version)
    Incident.objects.filter(pk=incident.pk).update(**times)
    for name, value in times.items():
        setattr(incident, name, value)
    record(actor=actor, action=f"incident.{to_stage}", subject=incident, new={"stage": to_stage})
    return incident


def incident_dispatch(*, actor: Any, incident: Incident, at: datetime | None = None) -> Incident:
    """派警: officers sent; the dispatch clock stops, the arrival clock starts."""
    require_role(actor, (Role.POLICE_OFFICER,), "dispatch")
    when = at or now()
    with transaction.atomic():
        _step(actor, incident, "dispatched", dispatched_at=when)
        target = target_for(incident.category, incident.area)
        _minute_clock(
            clock_start,
            actor,
            incident.matter,
            "stage:dispatched",
            "到场 Arrival",
            target.arrive_minutes,
            when,
            target.basis,
        )
    return incident


def incident_arrive(*, actor: Any, incident: Incident, at: datetime | None = None) -> Incident:
    """到场: the arrival clock stops."""
    require_role(actor, (Role.POLICE_OFFICER,), "record arrival")
    with transaction.atomic():
        return _step(actor, incident, "on_scene", arrived_at=at or now())


def incident_close(*, actor: Any, incident: Incident, at: datetime | None = None) -> Incident:
    """处置完毕: every clock stops."""
    require_role(actor, (Role.POLICE_OFFICER,), "close an incident")
    with transaction.atomic():
        return _step(actor, incident, "closed", closed_at=at or now())
