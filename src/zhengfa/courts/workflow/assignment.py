"""Assignment (分案): random within the specialised team, balanced by each judge's open
weighted caseload; manual with a reason (logged); a collegial panel with its presiding
judge, or a sole judge. The case's owner on the flow engine is the presiding (or sole)
judge, so the holding history says who answered for the case when."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Sum

from zhengfa.courts.models import CourtCase, Division, PanelKind, PanelMember, PanelRole
from zhengfa.courts.workflow.common import audit, require_change, require_role, today
from zhengfa.flow.common import invalid
from zhengfa.flow.models import MatterStatus
from zhengfa.flow.services.matters import matter_assign
from zhengfa.org.models import User
from zhengfa.org.roles import Role

ASSIGNERS = (Role.COURT_REGISTRAR, Role.DIVISION_PRESIDENT, Role.COURT_PRESIDENT)
MANUAL_ASSIGNERS = (Role.DIVISION_PRESIDENT, Role.COURT_PRESIDENT)
TIE = 0.5  # judges within half an ordinary case of the lightest load count as equally free


def caseloads(judges: Sequence[User]) -> dict[int, float]:
    """Each judge's open weighted caseload (sum of the weights of open cases they own)."""
    rows = (
        CourtCase.objects.filter(matter__owner__in=judges, matter__status=MatterStatus.OPEN)
        .values("matter__owner")
        .annotate(load=Sum("weight"))
    )
    loads = {judge.pk: 0.0 for judge in judges}
    loads.update({row["matter__owner"]: float(row["load"] or 0) for row in rows})
    return loads


def case_assign_random(
    *, actor: Any, case: CourtCase, division: Division, rng: random.Random | None = None
) -> CourtCase:
    """Pick at random among the team's least-loaded judges; they try the case alone."""
    _check_assigner(actor, case, ASSIGNERS)
    _check_division(case, division)
    judges = list(division.members.filter(role=Role.JUDGE, is_active=True).order_by("pk"))
    if not judges:
        raise invalid("division", f"{division.name} has no active judge")
    loads = caseloads(judges)
    lightest = min(loads.values())
    free = [j for j in judges if loads[j.pk] <= lightest + TIE]
    judge = (rng or random.SystemRandom()).choice(free)
    reason = f"随机分案 random within {division.name}; open caseload {loads[judge.pk]:.1f}"
    return _assign(actor, case, division, PanelKind.SOLE, judge, [], reason)


def case_assign_manual(
    *,
    actor: Any,
    case: CourtCase,
    division: Division,
    presiding: User,
    members: Sequence[User] = (),
    reason: str,
) -> CourtCase:
    """A division or court president assigns by hand, with a reason; ``members`` make a
    collegial panel (presiding judge plus at least two, an odd number in all)."""
    _check_assigner(actor, case, MANUAL_ASSIGNERS)
    _check_division(case, division)
    if not reason.strip():
        raise invalid("reason", "a manual assignment states its reason (it is logged)")
    _check_judges(case, [presiding, *members])
    kind = PanelKind.COLLEGIAL if members else PanelKind.SOLE
    if members and (len(members) + 1) % 2 == 0:
        raise invalid("members", "a collegial panel has an odd number of members (3, 5, 7)")
    return _assign(actor, case, division, kind, presiding, list(members), f"指定分案 {reason}")


def _check_assigner(actor: Any, case: CourtCase, roles: tuple[str, ...]) -> None:
    require_role(actor, roles, "assignment")
    require_change(actor, case.matter)


def _check_division(case: CourtCase, division: Division) -> None:
    if division.court_id != case.matter.unit_id:
        raise invalid("division", f"{division} is not a team of {case.matter.unit}")


def _check_judges(case: CourtCase, judges: list[User]) -> None:
    for n, judge in enumerate(judges):
        field = "presiding" if n == 0 else f"members[{n - 1}]"
        if judge.unit_id != case.matter.unit_id:
            raise invalid(
                field,
                f"{judge} is not a judge of {case.matter.unit}; "
                "accepted: a judge of the case's court",
            )
        if judge.role not in (Role.JUDGE, Role.DIVISION_PRESIDENT, Role.COURT_PRESIDENT):
            raise invalid(field, f"{judge} is not a judge ({judge.role})")
    if len({j.pk for j in judges}) != len(judges):
        raise invalid("members", "a judge sits once on a panel")


def _assign(
    actor: Any,
    case: CourtCase,
    division: Division,
    kind: str,
    presiding: User,
    members: list[User],
    reason: str,
) -> CourtCase:
    if case.matter.status != MatterStatus.OPEN:
        raise invalid("case", "the case is closed")
    with transaction.atomic():
        previous = list(case.panel.values_list("judge_id", flat=True))
        case.panel.all().delete()
        head = PanelRole.SOLE if kind == PanelKind.SOLE else PanelRole.PRESIDING
        PanelMember.objects.bulk_create(
            [PanelMember(case=case, judge=presiding, role=head)]
            + [PanelMember(case=case, judge=m, role=PanelRole.MEMBER) for m in members]
        )
        case.division, case.panel_kind = division, kind
        case.save(update_fields=["division", "panel_kind"])
        matter_assign(
            actor=actor,
            matter=case.matter,
            owner=presiding,
            version=case.matter.version,
            reason=reason,
        )
        if case.matter.enterprise_related:
            from zhengfa.courts.workflow.enterprise import target_stop

            target_stop(actor=actor, matter=case.matter, step="assignment", on=today())
        audit(
            actor=actor,
            action="case.assign",
            subject=case,
            old={"panel": previous},
            new={"panel": [presiding.pk, *(m.pk for m in members)], "kind": kind},
            reason=reason,
        )
    return case


def require_panel(actor: Any, case: CourtCase) -> None:
    """Only the case's own judges (or its court's presidents) do the judge's steps."""
    if (
        actor.role in (Role.DIVISION_PRESIDENT, Role.COURT_PRESIDENT)
        and actor.unit_id == case.matter.unit_id
    ):
        return
    if not case.panel.filter(judge=actor).exists():
        raise PermissionDenied("only a judge of this case's panel may do this")
