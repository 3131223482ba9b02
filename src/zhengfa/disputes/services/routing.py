"""Routing by the three ways (三调) and escalation one level up ("1+4+N").

Routing tries the admin's rules in priority order; the first that matches fires and the
decision names it. A person may override with a reason. A dispute routed by place or by
subject is handed to that organisation and its mediation limit (``LevelLimit``) starts;
unresolved when the limit runs out, or declared beyond the level, it goes one level up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from zhengfa.disputes.flows import MEDIATING_CLOCK
from zhengfa.disputes.models import (
    SEVERITY_RANK,
    Dispute,
    HopReason,
    LevelHop,
    LevelLimit,
    RoutingDecision,
    RoutingRule,
    Way,
    routing_rule_problems,
)
from zhengfa.disputes.organisations import (
    department_unit,
    handler_of,
    level_above,
    mediation_unit,
)
from zhengfa.disputes.services.common import record, require_role
from zhengfa.flow.common import invalid, legal_day, now
from zhengfa.flow.models import Clock, ClockState, Matter, MatterStatus
from zhengfa.flow.services.clockops import clock_start, clock_stop
from zhengfa.flow.services.matters import matter_move
from zhengfa.flow.services.transfer import matter_transfer
from zhengfa.org.models import RegionLevel, Unit
from zhengfa.org.roles import Role

ROUTERS = (
    Role.GRID_WORKER,
    Role.CENTRE_OPERATOR,
    Role.MEDIATOR,
    Role.DEPT_LIAISON,
    Role.POLICE_OFFICER,
)
DEFAULT_LIMIT = (
    1,
    "months",
    "人民调解工作若干规定 (司法部令第75号, 2002) art. 33: 一般在一个月内调结",
)


@dataclass(frozen=True)
class Route:
    way: str
    level: str = ""
    department: str = ""


def rule_matches(
    rule: RoutingRule, *, category_id: int, severity: str, amount: Decimal | None, parties: int
) -> bool:
    """Every condition the rule sets holds (an empty condition holds for anything)."""
    rank = SEVERITY_RANK[severity]  # type: ignore[index]
    known = amount if amount is not None else Decimal(0)
    return all(
        (
            rule.category_id in (None, category_id),
            not rule.min_severity or rank >= SEVERITY_RANK[rule.min_severity],  # type: ignore[index]
            not rule.max_severity or rank <= SEVERITY_RANK[rule.max_severity],  # type: ignore[index]
            rule.min_amount is None or (amount is not None and amount >= rule.min_amount),
            rule.max_amount is None or known <= rule.max_amount,
            rule.min_parties is None or parties >= rule.min_parties,
            rule.max_parties is None or parties <= rule.max_parties,
        )
    )


def rule_for(dispute: Dispute) -> RoutingRule:
    """The first active rule, by priority, that matches the dispute."""
    parties = dispute.parties.count()
    for rule in RoutingRule.objects.filter(active=True).order_by("priority", "pk"):
        if rule_matches(
            rule,
            category_id=dispute.category_id,
            severity=dispute.severity,
            amount=dispute.amount,
            parties=parties,
        ):
            return rule
    raise invalid(
        "rule",
        "no active routing rule matches this dispute; accepted: an admin adds a rule "
        "(a catch-all rule with no conditions routes everything else)",
    )


def target_unit(dispute: Dispute, route: Route) -> Unit:
    """The organisation a route leads to for this dispute's place, or a clear refusal."""
    matter = dispute.matter
    if route.way == Way.ON_THE_SPOT:
        return matter.unit
    if route.way == Way.BY_PLACE:
        found = mediation_unit(matter.region_id, route.level)
        field = "level"
    else:
        found = department_unit(route.department, matter.region_id, route.level, matter.grid)
        field = "department"
    if found is None:
        raise invalid(
            field,
            f"no {route.department or 'mediation'} organisation of level {route.level} covers "
            f"{matter.region_id}: the route leads nowhere; accepted: a level and department "
            "that exist for this place",
        )
    return found


def dispute_route(
    *,
    actor: Any,
    dispute: Dispute,
    override: Route | None = None,
    reason: str = "",
    on: datetime | None = None,
) -> RoutingDecision:
    """Route a reported dispute: by the rules, or by ``override`` with a reason."""
    require_role(actor, ROUTERS, "route a dispute")
    matter = dispute.matter
    if matter.stage != "reported":
        raise invalid(
            "stage", f"the dispute is already routed ({matter.stage}); accepted: a reported dispute"
        )
    rule, route = _route_of(dispute, override, reason)
    unit = target_unit(dispute, route)
    with transaction.atomic():
        decision = RoutingDecision.objects.create(
            dispute=dispute,
            at=now(),
            actor=actor,
            rule=rule,
            rule_label=str(rule)[:120] if rule else "",
            way=route.way,
            level=route.level,
            department=route.department,
            unit=unit,
            overridden=override is not None,
            reason=reason.strip(),
        )
        Dispute.objects.filter(pk=dispute.pk).update(
            way=route.way, level=route.level or RegionLevel.VILLAGE, department=route.department
        )
        dispute.way, dispute.level, dispute.department = (
            route.way,
            route.level or RegionLevel.VILLAGE,
            route.department,
        )
        if route.way != Way.ON_THE_SPOT:
            matter_move(actor=actor, matter=matter, to_stage="mediating", version=matter.version)
            _hand_over(
                actor, dispute, unit, route.level, f"分流 routed: {decision.rule_label or reason}"
            )
        record(
            actor=actor,
            action="route",
            subject=dispute,
            new={
                "way": route.way,
                "level": route.level,
                "department": route.department,
                "unit": unit.pk,
                "rule": rule.pk if rule else None,
                "overridden": override is not None,
            },
            reason=reason,
        )
    return decision


def _route_of(
    dispute: Dispute, override: Route | None, reason: str
) -> tuple[RoutingRule | None, Route]:
    if override is None:
        rule = rule_for(dispute)
        return rule, Route(rule.way, rule.level, rule.department)
    if not reason.strip():
        raise invalid("reason", "overriding the rules needs a reason")
    probe = RoutingRule(way=override.way, level=override.level, department=override.department)
    if override.way not in Way.values:
        raise invalid("way", f"accepted: {', '.join(Way.values)}")
    problems = routing_rule_problems(probe)
    if problems:
        field, message = next(iter(problems.items()))
        raise invalid(field, message)
    return None, override


def _hand_over(actor: Any, dispute: Dispute, unit: Unit, level: str, reason: str) -> None:
    """Transfer the matter to ``unit`` and start that level's mediation limit."""
    matter = dispute.matter
    owner = handler_of(unit)
    if unit.pk != matter.unit_id or owner != matter.owner:
        matter_transfer(
            actor=actor,
            matter=matter,
            unit=unit,
            owner=owner,
            version=matter.version,
            reason=reason,
        )
    amount, period_unit, basis = _limit_of(level or unit.level)
    clock_start(
        actor=actor,
        matter=matter,
        purpose=MEDIATING_CLOCK,
        label=f"调解期限 Mediation limit ({unit.name})"[:120],
        period=(amount, period_unit),
        holder=owner,
        legal_basis=basis,
    )


def _limit_of(level: str) -> tuple[int, str, str]:
    found = LevelLimit.objects.filter(level=level).first()
    if found is None:
        return DEFAULT_LIMIT
    return found.amount, found.unit, found.legal_basis


def _running_limit(matter: Matter) -> Clock | None:
    return matter.clocks.filter(purpose=MEDIATING_CLOCK).exclude(state=ClockState.STOPPED).first()


def dispute_escalate(
    *, actor: Any, dispute: Dispute, reason: str = HopReason.DECLARED, note: str = ""
) -> LevelHop:
    """One level up: a mediator declares the dispute beyond the level (``actor`` a person,
    with a note), or its limit ran out (``actor=None``, the sweep)."""
    matter = dispute.matter
    if actor is not None:
        require_role(actor, ROUTERS, "escalate a dispute")
        if not Matter.objects.for_user(actor, "change").filter(pk=matter.pk).exists():
            raise PermissionDenied("this dispute is outside your jurisdiction")
        if not note.strip():
            raise invalid("note", "say why the dispute is beyond this level")
    if matter.status != MatterStatus.OPEN or matter.stage != "mediating":
        raise invalid("stage", "only a dispute being mediated goes up a level")
    above = level_above(matter.unit, matter.region_id)
    if above is None:
        raise invalid("level", f"{matter.unit} is the highest level: nothing is above it")
    level, unit = above
    with transaction.atomic():
        hop = LevelHop.objects.create(
            dispute=dispute,
            at=now(),
            actor=actor,
            from_unit=matter.unit,
            to_unit=unit,
            reason=reason,
            note=note.strip(),
        )
        running = _running_limit(matter)
        if running is not None:
            clock_stop(
                actor=actor, clock=running, on=legal_day(), reason=f"升级 escalated to {unit.name}"
            )
            matter.refresh_from_db()
        Dispute.objects.filter(pk=dispute.pk).update(level=level)
        dispute.level = level
        _hand_over(actor, dispute, unit, level, f"升级 {HopReason(reason).label}: {note}".strip())
        record(
            actor=actor,
            action="escalate",
            subject=dispute,
            old={"unit": hop.from_unit_id},
            new={"unit": unit.pk, "level": level, "reason": reason},
            reason=note,
        )
    return hop


def disputes_escalate_overdue(*, at: datetime | None = None) -> int:
    """Send every dispute whose mediation limit ran out one level up (the sweep's part for
    disputes; the flow sweeper has already recorded who let it slip). Safe to re-run."""
    moment = at or now()
    overdue = (
        Clock.objects.filter(
            purpose=MEDIATING_CLOCK,
            state=ClockState.RUNNING,
            due_at__lt=moment,
            matter__status=MatterStatus.OPEN,
            matter__kind="dispute",
        )
        .values_list("matter_id", flat=True)
        .distinct()
    )
    moved = 0
    for dispute in Dispute.objects.filter(pk__in=list(overdue)).select_related(
        "matter", "matter__unit"
    ):
        if level_above(dispute.matter.unit, dispute.matter.region_id) is None:
            continue  # the city level: the flow sweeper's escalation to a person is all there is
        dispute_escalate(actor=None, dispute=dispute, reason=HopReason.OVERDUE)
        moved += 1
    return moved
