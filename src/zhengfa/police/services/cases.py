"""Cases: public-order cases (治安案件) on the limit of the law in force when accepted,
criminal cases with their type and whether and when they were solved (破案).

The public-order limit is the legal clock's: ``public_order.2012`` (30 days, +30 with the
higher agency's approval) for cases accepted before 2026-01-01, ``public_order.2025`` (the
2025 revision, marked unverified in the rule table) from then on. Appraisal time does not
count: it is a deduction on the clock through the flow engine (``case_exclude_appraisal``).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from zhengfa.flow.common import invalid, legal_day
from zhengfa.flow.models import Clock, ClockState
from zhengfa.flow.services.clockops import clock_deduct, clock_start
from zhengfa.flow.services.matters import matter_move, matter_open
from zhengfa.org.models import Unit
from zhengfa.org.roles import Role
from zhengfa.police.flows import CRIMINAL_KIND, PUBLIC_ORDER_KIND
from zhengfa.police.models import MAJOR_TYPES, CrimeType, CriminalCase, Incident, PublicOrderCase
from zhengfa.police.services.common import record, require_role

REVISION_FROM = date(2026, 1, 1)  # 治安管理处罚法 (2025 revision) in force


def public_order_rule(accepted_on: date) -> str:
    """The rule code by the day the case was accepted (the transition of the 2025 revision)."""
    return "public_order.2025" if accepted_on >= REVISION_FROM else "public_order.2012"


def _station(actor: Any) -> Unit:
    require_role(actor, (Role.POLICE_OFFICER,), "register a case")
    return actor.unit


def public_order_case_open(
    *,
    actor: Any,
    title: str,
    region_code: str,
    accepted_on: date | None = None,
    incident: Incident | None = None,
) -> PublicOrderCase:
    station = _station(actor)
    day = accepted_on or legal_day()
    rule = public_order_rule(day)
    with transaction.atomic():
        matter = matter_open(
            actor=actor,
            kind=PUBLIC_ORDER_KIND,
            title=title,
            region_code=region_code,
            unit=station,
            owner=actor,
            grid=incident.grid if incident else None,
            on=day,
        )
        clock_start(
            actor=actor,
            matter=matter,
            purpose="overall",
            label="治安案件办理期限 Public-order case limit",
            rule=rule,
            on=day,
        )
        case = PublicOrderCase.objects.create(
            matter=matter, incident=incident, accepted_on=day, rule=rule
        )
        record(actor=actor, action="public_order.open", subject=case, new={"rule": rule})
    return case


def case_exclude_appraisal(
    *, actor: Any, case: PublicOrderCase, on: date, days: int, reason: str
) -> Clock:
    """鉴定期间不计入办案期限: the appraisal's days are deducted from the limit."""
    require_role(actor, (Role.POLICE_OFFICER,), "record an appraisal")
    clock = (
        Clock.objects.filter(matter=case.matter, purpose="overall")
        .exclude(state=ClockState.STOPPED)
        .first()
    )
    if clock is None:
        raise invalid("case", "the case has no running limit; accepted: an open case")
    code = "appraisal" if case.rule == "public_order.2012" else "appraisal_or_hearing"
    return clock_deduct(actor=actor, clock=clock, on=on, days=days, reason_code=code, reason=reason)


def public_order_case_decide(*, actor: Any, case: PublicOrderCase, on: date | None = None) -> None:
    with transaction.atomic():
        matter = case.matter
        matter_move(actor=actor, matter=matter, to_stage="decided", version=matter.version)
        case.decided_on = on or legal_day()
        case.save(update_fields=["decided_on"])
        record(actor=actor, action="public_order.decide", subject=case)


def criminal_case_register(
    *,
    actor: Any,
    title: str,
    region_code: str,
    crime_type: str,
    registered_on: date | None = None,
    incident: Incident | None = None,
    loss: Decimal | None = None,
) -> CriminalCase:
    station = _station(actor)
    if crime_type not in CrimeType.values:
        raise invalid(
            "crime_type",
            f"unknown type {crime_type!r}; accepted: {', '.join(CrimeType.values)}",
        )
    day = registered_on or legal_day()
    with transaction.atomic():
        matter = matter_open(
            actor=actor,
            kind=CRIMINAL_KIND,
            title=title,
            region_code=region_code,
            unit=station,
            owner=actor,
            grid=incident.grid if incident else None,
            on=day,
        )
        case = CriminalCase.objects.create(
            matter=matter,
            incident=incident,
            crime_type=crime_type,
            major=crime_type in MAJOR_TYPES,
            registered_on=day,
            loss=loss,
        )
        record(actor=actor, action="criminal.register", subject=case, new={"type": crime_type})
    return case


def criminal_case_solve(*, actor: Any, case: CriminalCase, on: date | None = None) -> CriminalCase:
    """破案 on ``on``; it may not precede the registration."""
    day = on or legal_day()
    if day < case.registered_on:
        raise invalid("solved_on", f"accepted: on or after {case.registered_on}")
    with transaction.atomic():
        matter = case.matter
        matter_move(actor=actor, matter=matter, to_stage="solved", version=matter.version)
        case.solved_on = day
        case.save(update_fields=["solved_on"])
        record(actor=actor, action="criminal.solve", subject=case, new={"solved_on": str(day)})
    return case
