"""Campaigns (专项行动): a theme, a period, a checklist, the grids and sites to cover and
the units responsible — planned by the commission or a governance centre for its region."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import transaction

from zhengfa.flow.common import invalid, now
from zhengfa.hazards.models import PLANNERS, Campaign, CampaignTheme, ChecklistItem
from zhengfa.hazards.services.common import record, require_role
from zhengfa.org.models import Grid, Region, Unit
from zhengfa.org.roles import Role
from zhengfa.org.scoping import Scope

MAX_ITEMS = 60


def campaign_create(
    *,
    actor: Any,
    theme: str,
    name: str,
    region_code: str,
    starts_on: date,
    ends_on: date,
    lead_unit: str,
    units: Sequence[str] = (),
    grids: Sequence[str] = (),
    sites: Sequence[str] = (),
    items: Sequence[str] = (),
) -> Campaign:
    """Plan a campaign in the actor's region. Units and grids are named by code; without
    ``items`` the checklist is the theme's default one."""
    require_role(actor, PLANNERS, "plan a campaign")
    found = _theme(theme)
    _check_region(actor, region_code)
    _check_fields(name, starts_on, ends_on)
    lead = _units(region_code, [lead_unit], "lead_unit")[0]
    responsible = _units(region_code, list(units) or [lead_unit], "units")
    covered = _grids(region_code, grids)
    checklist = _items(list(items) or list(found.default_items))
    with transaction.atomic():
        campaign = Campaign.objects.create(
            theme=found,
            name=name.strip(),
            region_id=region_code,
            starts_on=starts_on,
            ends_on=ends_on,
            lead_unit=lead,
            sites=[s.strip() for s in sites if s.strip()],
            created_by=actor,
            created_at=now(),
        )
        campaign.units.set(responsible)
        campaign.grids.set(covered)
        ChecklistItem.objects.bulk_create(
            ChecklistItem(campaign=campaign, order=n, text=text) for n, text in enumerate(checklist)
        )
        record(
            actor=actor,
            action="campaign.create",
            subject=campaign,
            new={
                "theme": found.code,
                "region": region_code,
                "period": [starts_on.isoformat(), ends_on.isoformat()],
                "units": [u.code for u in responsible],
                "grids": len(covered),
                "items": len(checklist),
            },
        )
    return campaign


def _theme(code: str) -> CampaignTheme:
    found = CampaignTheme.objects.filter(code=code, active=True).first()
    if found is None:
        accepted = ", ".join(
            CampaignTheme.objects.filter(active=True).values_list("code", flat=True)
        )
        raise invalid("theme", f"unknown theme {code!r}; accepted: {accepted}")
    return found


def _check_region(actor: Any, region_code: str) -> None:
    if not Region.objects.filter(code=region_code).exists():
        raise invalid("region", f"unknown region code {region_code!r}; accepted: a GB/T 2260 code")
    own = Scope.of(actor).region_code or ""
    if actor.role != Role.PLATFORM_ADMIN and not region_code.startswith(own):
        raise invalid(
            "region", f"{region_code} is outside your region; accepted: {own} or within it"
        )


def _check_fields(name: str, starts_on: date, ends_on: date) -> None:
    if not name.strip() or len(name) > 120:
        raise invalid("name", "a name is required (1–120 characters)")
    if ends_on < starts_on:
        raise invalid("ends_on", f"ends before it starts ({starts_on}); accepted: a later date")


def _units(region_code: str, codes: list[str], field: str) -> list[Unit]:
    found = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    for index, code in enumerate(codes):
        unit = found.get(code)
        if unit is None:
            raise invalid(f"{field}[{index}]", f"unknown unit {code!r}; accepted: a unit code")
        if not (unit.region_id.startswith(region_code) or region_code.startswith(unit.region_id)):
            raise invalid(f"{field}[{index}]", f"{unit} works outside {region_code}")
    return [found[c] for c in dict.fromkeys(codes)]


def _grids(region_code: str, codes: Sequence[str]) -> list[Grid]:
    found = {g.code: g for g in Grid.objects.filter(code__in=codes)}
    for index, code in enumerate(codes):
        grid = found.get(code)
        if grid is None or not grid.region_id.startswith(region_code):
            raise invalid(f"grids[{index}]", f"{code!r} is not a grid of region {region_code}")
    return list(found.values())


def _items(texts: list[str]) -> list[str]:
    clean = [t.strip() for t in texts if t.strip()]
    if not clean:
        raise invalid("items", "a checklist needs at least one item")
    if len(clean) > MAX_ITEMS or any(len(t) > 200 for t in clean):
        raise invalid("items", f"accepted: 1–{MAX_ITEMS} items of at most 200 characters")
    return clean
