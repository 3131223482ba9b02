"""Who is who on a ladder: the approver level a request needs, the unit and role that
hold that level, the level a person holds for a matter, and the person above an owner.

The clock's table names levels (``zhengfa.clock.limits.Approver``); the platform maps them
to units and roles here, in one place. Levels above the demo city's courts (high court,
Supreme People's Court) are outside the platform: their decisions are entered by the
registry as external decisions with their document number and date.
"""

from __future__ import annotations

from typing import Any

from zhengfa.clock.limits import Approver
from zhengfa.org.models import Unit, UnitKind, User
from zhengfa.org.roles import Role

COURT_RULE_PREFIXES = ("civil.", "criminal.", "admin.", "enforcement")
EXTERNAL_LEVELS = frozenset({Approver.HIGH_COURT, Approver.SUPREME_COURT})
_OWN_UNIT_LEVELS = {
    Approver.TRIAL_COURT,
    Approver.DIVISION_PRESIDENT,
    Approver.COURT_PRESIDENT,
    Approver.AGENCY_HEAD,
}
_PARENT_UNIT_LEVELS = {Approver.HIGHER_COURT, Approver.HIGHER_AGENCY, Approver.COUNTY}

HEAD_ROLE: dict[str, str] = {
    UnitKind.COURT: Role.COURT_PRESIDENT,
    UnitKind.GOVERNANCE_CENTRE: Role.CENTRE_OPERATOR,
    UnitKind.COMMISSION: Role.COMMISSION,
    UnitKind.POLICE_BUREAU: Role.POLICE_OFFICER,
    UnitKind.POLICE_STATION: Role.POLICE_OFFICER,
    UnitKind.MEDIATION_COMMITTEE: Role.MEDIATOR,
    UnitKind.MEDIATION_STUDIO: Role.MEDIATOR,
}

# Within a unit, the role a holder answers to (escalation goes here first).
SUPERIOR_ROLE: dict[str, str] = {
    Role.CLERK: Role.DIVISION_PRESIDENT,
    Role.JUDGE: Role.DIVISION_PRESIDENT,
    Role.COURT_REGISTRAR: Role.DIVISION_PRESIDENT,
    Role.DIVISION_PRESIDENT: Role.COURT_PRESIDENT,
    Role.GRID_WORKER: Role.CENTRE_OPERATOR,
}


def head_role(unit: Unit) -> str:
    return HEAD_ROLE.get(unit.kind, Role.DEPT_LIAISON)


def is_court_rule(rule: str) -> bool:
    return rule.startswith(COURT_RULE_PREFIXES)


def role_for_level(level: str, unit: Unit) -> str:
    if level == Approver.DIVISION_PRESIDENT:
        return Role.DIVISION_PRESIDENT
    return head_role(unit)


def approver_unit(level: str, matter_unit: Unit) -> Unit | None:
    """The unit whose head decides at ``level``; None when it is outside the platform."""
    if level in _OWN_UNIT_LEVELS:
        return matter_unit
    if level in _PARENT_UNIT_LEVELS:
        return matter_unit.parent
    return None


def level_held(user: Any, matter_unit: Unit) -> str | None:
    """The approver level ``user`` holds for a matter of ``matter_unit``, if any."""
    if user.unit_id is None:
        return None
    if user.unit_id == matter_unit.pk:
        if user.role == Role.DIVISION_PRESIDENT:
            return Approver.DIVISION_PRESIDENT
        if user.role == head_role(matter_unit):
            court = matter_unit.kind == UnitKind.COURT
            return Approver.COURT_PRESIDENT if court else Approver.AGENCY_HEAD
        return None
    parent = matter_unit.parent
    if parent is not None and user.unit_id == parent.pk and user.role == head_role(parent):
        if parent.kind == UnitKind.COURT:
            return Approver.HIGHER_COURT
        return Approver.COUNTY if parent.level == "county" else Approver.HIGHER_AGENCY
    return None


def deciders(level: str, matter_unit: Unit) -> list[User]:
    unit = approver_unit(level, matter_unit)
    if unit is None:
        return []
    role = role_for_level(level, unit)
    return list(User.objects.filter(unit=unit, role=role, is_active=True).order_by("pk"))


def superior(holder: Any, unit: Unit) -> User | None:
    """The person one level above ``holder`` for a matter of ``unit``: the superior role in
    the unit, else the head of the unit, else the head of the unit above (township →
    county for grassroots matters)."""
    candidates: list[tuple[Unit | None, str | None]] = [
        (unit, SUPERIOR_ROLE.get(getattr(holder, "role", ""))),
        (unit, head_role(unit)),
        (unit.parent, head_role(unit.parent) if unit.parent else None),
    ]
    for place, role in candidates:
        if place is None or role is None:
            continue
        found = (
            User.objects.filter(unit=place, role=role, is_active=True)
            .exclude(pk=getattr(holder, "pk", None))
            .order_by("pk")
            .first()
        )
        if found is not None:
            return found
    return None
