"""Reads of the hazards app, always scoped (``for_user``): campaigns, hazards, the risk
ledger (一本账、一单清) and the map layer.

The ledger lists every open hazard and every open dispute (read through the disputes
app's ``open_disputes_for_ledger``) under a place, with its severity, its age and the
person responsible for it, and sums them per grid, township or county. Its owner check
lists whatever has nobody answering for it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from zhengfa.disputes.selectors import open_disputes_for_ledger
from zhengfa.flow.common import now
from zhengfa.flow.models import MatterStatus
from zhengfa.flow.selectors import urgency
from zhengfa.hazards.models import (
    SEVERITY_RANK,
    Campaign,
    CampaignTheme,
    Hazard,
    HazardPhoto,
    Inspection,
    Severity,
)
from zhengfa.org.models import REGION_CODE_LENGTH, Grid, Region, RegionLevel, Unit
from zhengfa.org.roles import Role
from zhengfa.org.scoping import Scope

_RELATED = ("matter", "matter__unit", "matter__owner", "matter__grid", "campaign__theme")
LEVELS = ("grid", RegionLevel.TOWNSHIP, RegionLevel.COUNTY)
# Age bands of an open matter, in whole days since it was opened.
AGE_BANDS: tuple[tuple[str, int | None], ...] = (
    ("lt1", 1),
    ("1to7", 7),
    ("7to30", 30),
    ("gt30", None),
)
KIND_LABELS = {"hazard": "隐患 Hazard", "dispute": "纠纷 Dispute"}


def themes() -> list[CampaignTheme]:
    return list(CampaignTheme.objects.filter(active=True))


def campaigns_for(user: Any, *, current_on: Any = None) -> list[Campaign]:
    found = Campaign.objects.for_user(user).select_related("theme", "region", "lead_unit")
    if current_on is not None:
        found = found.filter(starts_on__lte=current_on, ends_on__gte=current_on)
    counted = found.annotate(
        open_hazards=Count("hazards", filter=Q(hazards__matter__status=MatterStatus.OPEN))
    )
    return list(counted.order_by("-starts_on", "-pk")[:200])


def campaign_for(user: Any, pk: int) -> Campaign:
    found = (
        Campaign.objects.for_user(user)
        .select_related("theme", "region", "lead_unit")
        .prefetch_related("items", "units")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404("No campaign matches the given query.")
    return found  # type: ignore[no-any-return]


def planning_units(user: Any) -> list[Unit]:
    """The units a planner may name in a campaign: those of their region."""
    code = Scope.of(user).region_code or ""
    units = (
        Unit.objects.all()
        if user.role == Role.PLATFORM_ADMIN
        else Unit.objects.filter(region__code__startswith=code)
    )
    return list(units.order_by("code")[:500]) if code or user.role == Role.PLATFORM_ADMIN else []


def inspector_grids(user: Any, campaign: Campaign) -> list[Grid]:
    """The grids ``user`` may inspect in ``campaign``: theirs, inside its region, among the
    grids it covers when it names any."""
    grids = Grid.objects.for_user(user).filter(region__code__startswith=campaign.region_id)
    if campaign.grids.exists():
        grids = grids.filter(pk__in=campaign.grids.values("pk"))
    return list(grids.order_by("code")[:500])


def hazards_for(user: Any, *, open_only: bool = False, limit: int = 200) -> list[Hazard]:
    found = Hazard.objects.for_user(user).select_related(*_RELATED)
    if open_only:
        found = found.filter(matter__status=MatterStatus.OPEN)
    return list(found.order_by("-found_at", "-pk")[:limit])


def hazard_for(user: Any, pk: int, action: Any = "view") -> Hazard:
    photos = Prefetch("photos", queryset=HazardPhoto.objects.order_by("pk"))
    found = (
        Hazard.objects.for_user(user, action)
        .select_related(*_RELATED, "found_by", "item", "inspection")
        .prefetch_related(photos, "rectifications__by", "verifications__by")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404("No hazard matches the given query.")
    return found  # type: ignore[no-any-return]


def inspections_for(user: Any, campaign: Campaign) -> QuerySet[Inspection]:
    return Inspection.objects.for_user(user).filter(campaign=campaign).order_by("-at")


# --- the risk ledger ------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerEntry:
    """One open matter on the ledger: no personal data, its responsible person named."""

    kind: str  # hazard or dispute
    matter_id: int
    title: str
    category: str  # the campaign theme of a hazard, the category of a dispute
    severity: str
    region_code: str
    grid_code: str | None
    unit: str
    owner: str | None
    opened_at: datetime
    age_days: int
    due_at: datetime | None
    urgency: str

    @property
    def severity_label(self) -> str:
        known = self.severity in Severity.values
        return str(Severity(self.severity).label) if known else self.severity

    @property
    def age_band(self) -> str:
        return next(band for band, below in AGE_BANDS if below is None or self.age_days < below)


@dataclass
class LedgerPlace:
    """The sums of one place (a grid, a township or a county)."""

    code: str
    name: str
    total: int = 0
    severities: Counter[str] = field(default_factory=Counter)
    ages: Counter[str] = field(default_factory=Counter)
    kinds: Counter[str] = field(default_factory=Counter)
    overdue: int = 0
    unowned: int = 0


def ledger_entries(user: Any, prefix: str = "", *, at: datetime | None = None) -> list[LedgerEntry]:
    """Every open hazard and dispute under region ``prefix`` in the user's jurisdiction,
    most severe first, then oldest."""
    moment = at or now()
    entries = [_hazard_entry(h, moment) for h in _open_hazards(user, prefix)]
    entries += [
        LedgerEntry(kind="dispute", **vars(row))
        for row in open_disputes_for_ledger(prefix, user=user, at=moment)
    ]
    return sorted(entries, key=lambda e: (-SEVERITY_RANK.get(e.severity, 0), e.opened_at))


def _open_hazards(user: Any, prefix: str) -> QuerySet[Hazard]:
    found = Hazard.objects.for_user(user).filter(matter__status=MatterStatus.OPEN)
    if prefix:
        found = found.filter(matter__region__code__startswith=prefix)
    return found.select_related(
        "matter", "matter__unit", "matter__owner", "matter__grid", "campaign__theme"
    )


def _hazard_entry(hazard: Hazard, at: datetime) -> LedgerEntry:
    matter = hazard.matter
    return LedgerEntry(
        kind="hazard",
        matter_id=matter.pk,
        title=matter.title,
        category=hazard.campaign.theme.name,
        severity=hazard.severity,
        region_code=matter.region_id,
        grid_code=matter.grid.code if matter.grid else None,
        unit=matter.unit.name,
        owner=str(matter.owner) if matter.owner else None,
        opened_at=matter.opened_at,
        age_days=(at - matter.opened_at).days,
        due_at=matter.due_at,
        urgency=urgency(matter, at),
    )


def ledger_places(entries: list[LedgerEntry], level: str) -> list[LedgerPlace]:
    """The entries summed per place of ``level`` (grid, township or county), the places
    with the most severe and most numerous matters first."""
    if level not in LEVELS:
        raise ValueError(f"level {level!r}; accepted: {', '.join(LEVELS)}")
    places: dict[str, LedgerPlace] = {}
    for entry in entries:
        code = _place_code(entry, level)
        place = places.setdefault(code, LedgerPlace(code=code, name=code))
        place.total += 1
        place.severities[entry.severity] += 1
        place.ages[entry.age_band] += 1
        place.kinds[entry.kind] += 1
        place.overdue += entry.urgency == "overdue"
        place.unowned += entry.owner is None
    _name(places, level)
    return sorted(
        places.values(),
        key=lambda p: (-p.severities[Severity.MAJOR], -p.total, p.code),
    )


def _place_code(entry: LedgerEntry, level: str) -> str:
    if level == "grid":
        return entry.grid_code or f"{entry.region_code} —"
    return entry.region_code[: REGION_CODE_LENGTH[level]]


def _name(places: dict[str, LedgerPlace], level: str) -> None:
    codes = list(places)
    if level == "grid":
        names = dict(Grid.objects.filter(code__in=codes).values_list("code", "name"))
    else:
        names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    for code, place in places.items():
        place.name = names.get(code, code)


def ledger_unowned(entries: list[LedgerEntry]) -> list[LedgerEntry]:
    """The owner check: open matters with nobody responsible (should always be empty)."""
    return [e for e in entries if e.owner is None]


def ledger_totals(entries: list[LedgerEntry]) -> dict[str, Any]:
    by_kind: defaultdict[str, int] = defaultdict(int)
    for entry in entries:
        by_kind[entry.kind] += 1
    return {
        "total": len(entries),
        "kinds": dict(by_kind),
        "severities": dict(Counter(e.severity for e in entries)),
        "ages": dict(Counter(e.age_band for e in entries)),
        "overdue": sum(e.urgency == "overdue" for e in entries),
        "unowned": len(ledger_unowned(entries)),
    }


# --- the map ----------------------------------------------------------------------------


def hazard_features(
    user: Any, *, campaign: int | None = None, include_closed: bool = False
) -> dict[str, Any]:
    """The hazards in scope as a GeoJSON FeatureCollection of points."""
    found = Hazard.objects.for_user(user).select_related(
        "matter", "matter__owner", "campaign__theme"
    )
    if not include_closed:
        found = found.filter(matter__status=MatterStatus.OPEN)
    if campaign is not None:
        found = found.filter(campaign_id=campaign)
    moment = now()
    rows = found.order_by("-found_at")[:5000]
    return {
        "type": "FeatureCollection",
        "features": [_feature(h, moment) for h in rows],
    }


def _feature(hazard: Hazard, at: datetime) -> dict[str, Any]:
    matter = hazard.matter
    return {
        "type": "Feature",
        "id": str(matter.pk),
        "geometry": {"type": "Point", "coordinates": [hazard.lon, hazard.lat]},
        "properties": {
            "title": matter.title,
            "severity": hazard.severity,
            "severity_label": str(Severity(hazard.severity).label),
            "theme": hazard.campaign.theme.code,
            "theme_label": hazard.campaign.theme.name,
            "stage": matter.stage,
            "urgency": urgency(matter, at),
            "owner": str(matter.owner) if matter.owner else None,
            "party": hazard.responsible_party,
            "found_at": hazard.found_at.isoformat(),
            "due_at": matter.due_at.isoformat() if matter.due_at else None,
        },
    }
