"""Inspections against a campaign's checklist, and the hazards they find.

Everything is checked before anything is written — the campaign and its period, the grid,
every checklist answer, every finding's place (a point inside a grid of the campaign's
region) and photo — and the inspection with all its hazards is one transaction: a bad
photo in the third finding leaves no inspection, no hazard, no clock and no file behind.
Each finding opens a hazard matter whose rectification clock starts at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from zhengfa.flow.common import invalid, legal_day, now
from zhengfa.flow.photos import CheckedPhoto, PhotoInput, files_removed_on_failure, photos_check
from zhengfa.flow.services.clockops import clock_start
from zhengfa.flow.services.matters import matter_open
from zhengfa.hazards.flows import HAZARD_KIND, RECTIFY_CLOCK
from zhengfa.hazards.limits import rectification_deadline
from zhengfa.hazards.models import (
    Campaign,
    ChecklistItem,
    CheckResult,
    Hazard,
    Inspection,
    InspectionCheck,
    PhotoPurpose,
    Severity,
)
from zhengfa.hazards.photos import photo_store
from zhengfa.hazards.places import answering_unit, grid_at, responsible_person
from zhengfa.hazards.services.common import record, require_role
from zhengfa.org.models import Grid, Unit
from zhengfa.org.roles import ROLE_SCOPE, Role, ScopeKind

INSPECTORS = (Role.GRID_WORKER, Role.POLICE_OFFICER, Role.CENTRE_OPERATOR, Role.DEPT_LIAISON)


@dataclass(frozen=True)
class CheckInput:
    item: int  # a checklist item id of the campaign
    result: str


@dataclass(frozen=True)
class FindingInput:
    severity: str
    description: str
    responsible_party: str
    lon: float
    lat: float
    item: int | None = None
    photos: Sequence[PhotoInput] = field(default_factory=tuple)


@dataclass(frozen=True)
class _Finding:
    given: FindingInput
    grid: Grid
    item: ChecklistItem | None
    photos: list[CheckedPhoto]


def inspection_record(
    *,
    actor: Any,
    campaign: Campaign,
    grid_code: str,
    site: str,
    checks: Sequence[CheckInput],
    findings: Sequence[FindingInput] = (),
    note: str = "",
) -> Inspection:
    """Record an inspection of ``site`` in a grid against every item of the checklist;
    each finding becomes a hazard on the rectification clock."""
    require_role(actor, INSPECTORS, "record an inspection")
    if not Campaign.objects.for_user(actor).filter(pk=campaign.pk).exists():
        raise PermissionDenied("this campaign is outside your jurisdiction")
    _check_period(campaign)
    grid = _grid(actor, campaign, grid_code)
    if not site.strip() or len(site) > 120:
        raise invalid("site", "the inspected site is required (1–120 characters)")
    items = {i.pk: i for i in campaign.items.all()}
    answers = _answers(items, checks)
    checked = [_finding(campaign, items, answers, f, n) for n, f in enumerate(findings)]
    _every_hazard_found(answers, checked)
    unit = _unit_for(actor, campaign)
    with files_removed_on_failure() as stored, transaction.atomic():
        inspection = Inspection.objects.create(
            campaign=campaign, grid=grid, site=site.strip(), inspector=actor, at=now(), note=note
        )
        InspectionCheck.objects.bulk_create(
            InspectionCheck(inspection=inspection, item_id=i, result=r) for i, r in answers.items()
        )
        hazards = [_open(actor, inspection, f, unit, stored) for f in checked]
        record(
            actor=actor,
            action="inspection.record",
            subject=inspection,
            new={
                "campaign": campaign.pk,
                "grid": grid.code,
                "checks": len(answers),
                "hazards": [h.pk for h in hazards],
            },
        )
    return inspection


def _check_period(campaign: Campaign) -> None:
    today = legal_day()
    if not campaign.starts_on <= today <= campaign.ends_on:
        raise invalid(
            "campaign",
            f"the campaign runs {campaign.starts_on} to {campaign.ends_on}; accepted: an "
            "inspection within its period",
        )


def _grid(actor: Any, campaign: Campaign, code: str) -> Grid:
    grid = Grid.objects.for_user(actor).filter(code=code).first()
    if grid is None:
        raise invalid("grid", f"{code!r} is not one of your grids; accepted: a grid you work in")
    if not grid.region_id.startswith(campaign.region_id):
        raise invalid("grid", f"grid {code} is outside the campaign's region {campaign.region_id}")
    covered = set(campaign.grids.values_list("pk", flat=True))
    if covered and grid.pk not in covered:
        raise invalid("grid", f"grid {code} is not among the grids this campaign covers")
    return grid


def _answers(items: dict[int, ChecklistItem], checks: Sequence[CheckInput]) -> dict[int, str]:
    answers: dict[int, str] = {}
    for n, check in enumerate(checks):
        if check.item not in items:
            raise invalid(f"checks[{n}].item", f"{check.item} is not an item of this checklist")
        if check.item in answers:
            raise invalid(f"checks[{n}].item", "each checklist item is answered once")
        if check.result not in CheckResult.values:
            accepted = ", ".join(CheckResult.values)
            raise invalid(f"checks[{n}].result", f"{check.result!r}; accepted: {accepted}")
        answers[check.item] = check.result
    missing = [items[i].text for i in items if i not in answers]
    if missing:
        raise invalid("checks", f"unanswered checklist items: {'; '.join(missing)}")
    return answers


def _finding(
    campaign: Campaign,
    items: dict[int, ChecklistItem],
    answers: dict[int, str],
    given: FindingInput,
    n: int,
) -> _Finding:
    at = f"findings[{n}]"
    if given.severity not in Severity.values:
        accepted = ", ".join(Severity.values)
        raise invalid(f"{at}.severity", f"{given.severity!r}; accepted: {accepted}")
    if not given.description.strip() or len(given.description) > 2000:
        raise invalid(f"{at}.description", "a description is required (1–2000 characters)")
    if not given.responsible_party.strip() or len(given.responsible_party) > 120:
        raise invalid(f"{at}.responsible_party", "the party that must rectify (1–120 characters)")
    if given.item is not None and answers.get(given.item) != CheckResult.HAZARD:
        raise invalid(f"{at}.item", "a finding belongs to an item answered 'hazard'")
    grid = grid_at(given.lon, given.lat)
    if grid is None:
        raise invalid(
            f"{at}.location",
            f"({given.lon:.5f}, {given.lat:.5f}) lies outside every grid; accepted: a point "
            "inside a grid",
        )
    if not grid.region_id.startswith(campaign.region_id):
        raise invalid(f"{at}.location", "the point lies outside the campaign's region")
    item = items[given.item] if given.item is not None else None
    return _Finding(given, grid, item, photos_check(list(given.photos), f"{at}.photos"))


def _every_hazard_found(answers: dict[int, str], findings: list[_Finding]) -> None:
    found = {f.item.pk for f in findings if f.item is not None}
    bare = [i for i, r in answers.items() if r == CheckResult.HAZARD and i not in found]
    if bare:
        raise invalid("findings", "every item answered 'hazard' needs a finding describing it")


def _unit_for(actor: Any, campaign: Campaign) -> Unit | None:
    """A unit-scoped inspector (an officer, a department) keeps what they find in their
    own unit, which must be one of the campaign's responsible units; others hand it to the
    unit answering for the place."""
    if ROLE_SCOPE.get(actor.role) is not ScopeKind.UNIT:
        return None
    if not campaign.units.filter(pk=actor.unit_id).exists():
        raise PermissionDenied("your unit is not a responsible unit of this campaign")
    return actor.unit  # type: ignore[no-any-return]


def _open(
    actor: Any, inspection: Inspection, finding: _Finding, unit: Unit | None, stored: list[str]
) -> Hazard:
    given, grid, campaign = finding.given, finding.grid, inspection.campaign
    unit = unit or answering_unit(grid.region_id, campaign.units.all())
    if unit is None:
        raise invalid("grid", f"no unit answers for hazards in {grid.region_id}")
    owner = actor if actor.unit_id == unit.pk else responsible_person(unit)
    matter = matter_open(
        actor=actor,
        kind=HAZARD_KIND,
        title=f"{campaign.theme.name}: {given.description.strip()}"[:200],
        region_code=grid.region_id,
        unit=unit,
        owner=owner,
        grid=grid,
        participants=[p for p in (actor, grid.worker) if p is not None],
    )
    deadline = rectification_deadline(given.severity, matter.opened_at)
    clock_start(
        actor=actor,
        matter=matter,
        purpose=RECTIFY_CLOCK,
        label=deadline.label,
        period=deadline.period,
        at=matter.opened_at,
        legal_basis=deadline.legal_basis,
    )
    hazard = Hazard.objects.create(
        matter=matter,
        campaign=campaign,
        inspection=inspection,
        item=finding.item,
        severity=given.severity,
        description=given.description.strip(),
        responsible_party=given.responsible_party.strip(),
        lon=given.lon,
        lat=given.lat,
        found_by=actor,
        found_at=matter.opened_at,
    )
    for photo in finding.photos:
        photo_store(
            actor=actor, hazard=hazard, photo=photo, purpose=PhotoPurpose.FINDING, stored=stored
        )
    return hazard
