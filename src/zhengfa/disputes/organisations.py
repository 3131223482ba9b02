"""Where a dispute goes: "1+4+N" — one centre, mediation organisations at four levels
(committees, rooms, named mediators' studios) and N departments.

The place of a dispute is its village code; the organisation of level L that covers it is
the one whose region is the code's prefix of that level's length (GB/T 2260).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from zhengfa.disputes.models import DEPARTMENT_UNITS
from zhengfa.org.models import REGION_CODE_LENGTH, Grid, RegionLevel, Unit, UnitKind, User
from zhengfa.org.roles import Role

LEVELS: tuple[str, ...] = (
    RegionLevel.VILLAGE,
    RegionLevel.TOWNSHIP,
    RegionLevel.COUNTY,
    RegionLevel.CITY,
)
MEDIATION_KINDS = (UnitKind.MEDIATION_COMMITTEE, UnitKind.MEDIATION_STUDIO)
HANDLER_ROLES = (Role.MEDIATOR, Role.DEPT_LIAISON, Role.POLICE_OFFICER, Role.CENTRE_OPERATOR)


def region_at(region_code: str, level: str) -> str:
    return region_code[: REGION_CODE_LENGTH[level]]


def levels_from(level: str) -> tuple[str, ...]:
    return LEVELS[LEVELS.index(level) :]


def mediation_unit(region_code: str, level: str) -> Unit | None:
    """The mediation organisation of ``level`` covering ``region_code``: a committee, else
    the level's mediation room (a studio not under another studio)."""
    candidates = Unit.objects.filter(
        kind__in=MEDIATION_KINDS, level=level, region_id=region_at(region_code, level)
    ).exclude(kind=UnitKind.MEDIATION_STUDIO, parent__kind=UnitKind.MEDIATION_STUDIO)
    return candidates.order_by("kind", "code").first()  # committee sorts before studio


def department_unit(
    department: str, region_code: str, level: str, grid: Grid | None
) -> Unit | None:
    """The competent department of ``level`` for the place, or the nearest one above it.
    Police go to the station whose beat covers the grid (警格+网格)."""
    kinds, name_word = DEPARTMENT_UNITS[department]
    if UnitKind.POLICE_STATION in kinds and grid is not None and grid.beat_id is not None:
        return grid.beat.station if grid.beat else None
    for at in levels_from(level):
        query = Q(kind__in=kinds, region_id=region_at(region_code, at))
        if name_word:
            query &= Q(name__contains=name_word)
        found = Unit.objects.filter(query).order_by("code").first()
        if found is not None:
            return found
    return None


def intake_centre(region_code: str) -> Unit | None:
    """The lowest governance centre covering the place: it holds a dispute until routed."""
    for level in LEVELS:
        found = Unit.objects.filter(
            kind=UnitKind.GOVERNANCE_CENTRE, region_id=region_at(region_code, level)
        ).first()
        if found is not None:
            return found
    return None


def level_above(unit: Unit, region_code: str) -> tuple[str, Unit] | None:
    """The organisation one level up from ``unit`` for a dispute at ``region_code``: its
    parent when that is of the same family, else the same family found by place."""
    if unit.level == RegionLevel.CITY:
        return None
    higher = LEVELS[LEVELS.index(unit.level) + 1]
    parent = unit.parent
    if unit.kind in MEDIATION_KINDS:
        if parent is not None and parent.kind in MEDIATION_KINDS and parent.level == higher:
            return higher, parent
        found = mediation_unit(region_code, higher)
    else:
        if parent is not None and parent.level == higher:
            return higher, parent
        found = (
            Unit.objects.filter(
                kind=unit.kind, level=higher, region_id=region_at(region_code, higher)
            )
            .order_by("code")
            .first()
        )
    return (higher, found) if found is not None else None


def handler_of(unit: Unit) -> Any:
    """The member of ``unit`` who takes a dispute handed to it (its first active handler)."""
    return (
        User.objects.filter(unit=unit, role__in=HANDLER_ROLES, is_active=True)
        .order_by("pk")
        .first()
    )
