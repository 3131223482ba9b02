"""A station's 4-week duty roster and patrol plan from its incident history.

Demand per beat and hour of the week comes from the station's incidents in the 12 weeks
before the plan starts (``planning.estimate_demand``); ``planning.solve`` (CP-SAT) does
the rest. Rules the staff cannot meet are refused with the binding rule named, and no
roster is written.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import numpy as np
from django.db import transaction

from zhengfa.clock.clock import SHANGHAI
from zhengfa.flow.common import invalid, now
from zhengfa.org.models import PoliceBeat, Unit, UnitKind, User
from zhengfa.org.roles import Role
from zhengfa.police import planning
from zhengfa.police.models import Incident, Roster, Shift
from zhengfa.police.services.common import record, require_role

HISTORY_WEEKS = 12


def beat_hour_counts(beats: list[PoliceBeat], since: datetime, until: datetime) -> np.ndarray:
    """Incidents per beat and hour of the week (Monday 00:00 Asia/Shanghai = 0)."""
    index = {b.pk: i for i, b in enumerate(beats)}
    counts = np.zeros((len(beats), planning.WEEK_HOURS))
    rows = Incident.objects.filter(
        beat__in=beats, received_at__gte=since, received_at__lt=until
    ).values_list("beat_id", "received_at")
    for beat_id, at in rows.iterator(chunk_size=5000):
        local = at.astimezone(SHANGHAI)
        counts[index[beat_id], local.weekday() * 24 + local.hour] += 1
    return counts


def roster_generate(
    *,
    actor: Any,
    station: Unit,
    starts_on: date,
    rules: planning.Rules | None = None,
    time_limit: float = 45.0,
) -> Roster:
    require_role(actor, (Role.POLICE_OFFICER,), "plan a station's duty")
    if actor.unit_id != station.pk or station.kind != UnitKind.POLICE_STATION:
        raise invalid("station", "accepted: your own police station")
    rules = rules or planning.Rules()
    if problems := rules.problems():
        field, message = next(iter(problems.items()))
        raise invalid(field, message)
    if starts_on.weekday() != 0:
        raise invalid("starts_on", "accepted: a Monday (the plan runs in whole weeks)")
    officers = list(
        User.objects.filter(unit=station, role=Role.POLICE_OFFICER, is_active=True).order_by("pk")
    )
    beats = list(PoliceBeat.objects.filter(station=station).order_by("code"))
    if not officers or not beats:
        raise invalid("station", "the station needs officers and beats to plan")
    begin = datetime.combine(starts_on, time(), SHANGHAI)
    counts = beat_hour_counts(beats, begin - timedelta(weeks=HISTORY_WEEKS), begin)
    demand = planning.estimate_demand(counts, HISTORY_WEEKS, prior_weight=3 * HISTORY_WEEKS)
    try:
        plan = planning.solve(
            planning.demand_by_block(demand, rules.weeks), len(officers), rules, time_limit
        )
    except planning.Infeasible as refused:
        raise invalid("rules", str(refused)) from refused
    return _store(actor, station, starts_on, rules, plan, officers, beats)


def _store(
    actor: Any,
    station: Unit,
    starts_on: date,
    rules: planning.Rules,
    plan: planning.Plan,
    officers: list[User],
    beats: list[PoliceBeat],
) -> Roster:
    with transaction.atomic():
        roster = Roster.objects.create(
            station=station,
            starts_on=starts_on,
            weeks=rules.weeks,
            created_by=actor,
            created_at=now(),
            expected_coverage=plan.expected_coverage,
            solver_status=plan.status,
            solve_seconds=plan.seconds,
        )
        Shift.objects.bulk_create(
            Shift(
                roster=roster,
                officer=officers[p.officer],
                day=starts_on + timedelta(days=p.day),
                start_hour=p.block * planning.BLOCK_HOURS,
                hours=planning.BLOCK_HOURS,
                beat=beats[p.beat],
            )
            for p in plan.patrols
        )
        record(
            actor=actor,
            action="roster.generate",
            subject=roster,
            new={
                "officers": len(officers),
                "beats": len(beats),
                "patrols": len(plan.patrols),
                "expected_coverage": round(plan.expected_coverage, 4),
                "status": plan.status,
            },
        )
    return roster
