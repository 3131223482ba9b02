"""/api/v1/hazards/: campaigns, inspections and their findings, rectification and
verification, the risk ledger and the map layer. Thin: every write is a service, every
read a selector scoped with ``for_user``; an object out of scope answers 404 like a
missing one. Photos travel as base64 in JSON."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from zhengfa.api import FileIn, ObjectId, api_user, base64_bytes
from zhengfa.flow.common import invalid, now
from zhengfa.flow.photos import PhotoInput
from zhengfa.flow.selectors import urgency
from zhengfa.hazards import selectors
from zhengfa.hazards.models import Campaign, Hazard
from zhengfa.hazards.services.campaigns import campaign_create
from zhengfa.hazards.services.inspections import CheckInput, FindingInput, inspection_record
from zhengfa.hazards.services.rectification import hazard_rectify, hazard_verify
from zhengfa.org.api import REGION_CODE

router = Router(tags=["hazards"])


def _photos(uploads: list[FileIn], field: str) -> list[PhotoInput]:
    return [
        PhotoInput(upload.name, base64_bytes(upload.data, f"{field}[{n}].data"))
        for n, upload in enumerate(uploads)
    ]


class ThemeOut(Schema):
    code: str
    name: str
    name_en: str
    default_items: list[str]


class ItemOut(Schema):
    id: int
    text: str


class CampaignIn(Schema):
    theme: str
    name: str
    region: str
    starts_on: date
    ends_on: date
    lead_unit: str
    units: list[str] = []
    grids: list[str] = []
    sites: list[str] = []
    items: list[str] = []


class CampaignOut(Schema):
    id: int
    theme: str
    name: str
    region: str
    starts_on: date
    ends_on: date
    lead_unit: str


class CampaignDetailOut(CampaignOut):
    items: list[ItemOut]
    units: list[str]
    sites: list[str]


def _campaign(campaign: Campaign) -> dict[str, Any]:
    return {
        "id": campaign.pk,
        "theme": campaign.theme.code,
        "name": campaign.name,
        "region": campaign.region_id,
        "starts_on": campaign.starts_on,
        "ends_on": campaign.ends_on,
        "lead_unit": campaign.lead_unit.code,
    }


def _campaign_detail(campaign: Campaign) -> CampaignDetailOut:
    return CampaignDetailOut(
        **_campaign(campaign),
        items=[ItemOut(id=i.pk, text=i.text) for i in campaign.items.all()],
        units=[u.code for u in campaign.units.all()],
        sites=list(campaign.sites),
    )


@router.get("/themes", response=list[ThemeOut])
def list_themes(request: HttpRequest) -> list[Any]:
    return selectors.themes()


@router.get("/campaigns", response=list[CampaignOut])
def list_campaigns(request: HttpRequest) -> list[dict[str, Any]]:
    return [_campaign(c) for c in selectors.campaigns_for(api_user(request))]


@router.post("/campaigns", response={201: CampaignDetailOut})
def create_campaign(request: HttpRequest, payload: CampaignIn) -> Status[CampaignDetailOut]:
    values = payload.model_dump()
    campaign = campaign_create(actor=api_user(request), region_code=values.pop("region"), **values)
    return Status(201, _campaign_detail(selectors.campaign_for(api_user(request), campaign.pk)))


@router.get("/campaigns/{int:campaign_id}", response=CampaignDetailOut)
def campaign_detail(request: HttpRequest, campaign_id: ObjectId) -> CampaignDetailOut:
    return _campaign_detail(selectors.campaign_for(api_user(request), campaign_id))


class CheckIn(Schema):
    item: int
    result: str


class FindingIn(Schema):
    severity: str
    description: str
    responsible_party: str
    lon: float
    lat: float
    item: int | None = None
    photos: list[FileIn] = []


class InspectionIn(Schema):
    grid: str
    site: str
    checks: list[CheckIn]
    findings: list[FindingIn] = []
    note: str = ""


class InspectionOut(Schema):
    id: int
    campaign: int
    grid: str
    site: str
    at: datetime
    hazards: list[int]


@router.post("/campaigns/{int:campaign_id}/inspections", response={201: InspectionOut})
def inspect(request: HttpRequest, campaign_id: ObjectId, payload: InspectionIn) -> Status[Any]:
    campaign = selectors.campaign_for(api_user(request), campaign_id)
    findings = [
        FindingInput(
            **f.model_dump(exclude={"photos"}), photos=_photos(f.photos, f"findings[{n}].photos")
        )
        for n, f in enumerate(payload.findings)
    ]
    inspection = inspection_record(
        actor=api_user(request),
        campaign=campaign,
        grid_code=payload.grid,
        site=payload.site,
        checks=[CheckInput(c.item, c.result) for c in payload.checks],
        findings=findings,
        note=payload.note,
    )
    body = InspectionOut(
        id=inspection.pk,
        campaign=campaign.pk,
        grid=inspection.grid.code,
        site=inspection.site,
        at=inspection.at,
        hazards=list(inspection.hazards.values_list("pk", flat=True)),
    )
    return Status(201, body)


class HazardOut(Schema):
    id: int
    title: str
    campaign: int
    theme: str
    severity: str
    responsible_party: str
    lon: float
    lat: float
    stage: str
    status: str
    region: str
    grid: str | None
    unit: str
    owner: str | None
    found_at: datetime
    due_at: datetime | None
    urgency: str
    version: int


class RectificationOut(Schema):
    at: datetime
    by: str
    measures: str
    photos: int


class VerificationOut(Schema):
    at: datetime
    by: str
    passed: bool
    note: str


class HazardDetailOut(HazardOut):
    description: str
    photos: int
    rectifications: list[RectificationOut]
    verifications: list[VerificationOut]


def _hazard(hazard: Hazard, at: datetime) -> dict[str, Any]:
    matter = hazard.matter
    return {
        "id": hazard.pk,
        "title": matter.title,
        "campaign": hazard.campaign_id,
        "theme": hazard.campaign.theme.code,
        "severity": hazard.severity,
        "responsible_party": hazard.responsible_party,
        "lon": hazard.lon,
        "lat": hazard.lat,
        "stage": matter.stage,
        "status": matter.status,
        "region": matter.region_id,
        "grid": matter.grid.code if matter.grid else None,
        "unit": matter.unit.name,
        "owner": str(matter.owner) if matter.owner else None,
        "found_at": hazard.found_at,
        "due_at": matter.due_at,
        "urgency": urgency(matter, at),
        "version": matter.version,
    }


def _hazard_detail(hazard: Hazard) -> HazardDetailOut:
    return HazardDetailOut(
        **_hazard(hazard, now()),
        description=hazard.description,
        photos=sum(1 for p in hazard.photos.all() if p.purpose == "finding"),
        rectifications=[
            RectificationOut(at=r.at, by=str(r.by), measures=r.measures, photos=r.photos.count())
            for r in hazard.rectifications.all()
        ],
        verifications=[
            VerificationOut(at=v.at, by=str(v.by), passed=v.passed, note=v.note)
            for v in hazard.verifications.all()
        ],
    )


@router.get("/", response=list[HazardOut])
def list_hazards(request: HttpRequest, open_only: bool = False) -> list[dict[str, Any]]:
    at = now()
    return [_hazard(h, at) for h in selectors.hazards_for(api_user(request), open_only=open_only)]


@router.get("/{int:hazard_id}", response=HazardDetailOut)
def hazard_detail(request: HttpRequest, hazard_id: ObjectId) -> HazardDetailOut:
    return _hazard_detail(selectors.hazard_for(api_user(request), hazard_id))


class RectifyIn(Schema):
    version: int
    measures: str
    photos: list[FileIn]


@router.post("/{int:hazard_id}/rectify", response=HazardDetailOut)
def rectify(request: HttpRequest, hazard_id: ObjectId, payload: RectifyIn) -> HazardDetailOut:
    hazard = selectors.hazard_for(api_user(request), hazard_id)
    hazard_rectify(
        actor=api_user(request),
        hazard=hazard,
        version=payload.version,
        measures=payload.measures,
        photos=_photos(payload.photos, "photos"),
    )
    return _hazard_detail(selectors.hazard_for(api_user(request), hazard_id))


class VerifyIn(Schema):
    version: int
    passed: bool
    note: str = ""


@router.post("/{int:hazard_id}/verify", response=HazardDetailOut)
def verify(request: HttpRequest, hazard_id: ObjectId, payload: VerifyIn) -> HazardDetailOut:
    hazard = selectors.hazard_for(api_user(request), hazard_id)
    hazard_verify(
        actor=api_user(request),
        hazard=hazard,
        version=payload.version,
        passed=payload.passed,
        note=payload.note,
    )
    return _hazard_detail(selectors.hazard_for(api_user(request), hazard_id))


class EntryOut(Schema):
    kind: str
    matter_id: int
    title: str
    category: str
    severity: str
    region_code: str
    grid_code: str | None
    unit: str
    owner: str | None
    opened_at: datetime
    age_days: int
    due_at: datetime | None
    urgency: str


class PlaceOut(Schema):
    code: str
    name: str
    total: int
    severities: dict[str, int]
    ages: dict[str, int]
    kinds: dict[str, int]
    overdue: int
    unowned: int


class LedgerOut(Schema):
    region: str
    level: str
    totals: dict[str, Any]
    places: list[PlaceOut]
    unowned: list[EntryOut]


def _level(level: str) -> str:
    if level not in selectors.LEVELS:
        raise invalid("level", f"{level!r}; accepted: {', '.join(selectors.LEVELS)}")
    return level


def _region_prefix(region: str) -> str:
    """A GB/T 2260 code or nothing: free text (a NUL byte, say) never reaches the query,
    where PostgreSQL refused it with a 500 (found by fuzzing)."""
    if region and not REGION_CODE.match(region):
        raise invalid("region", f"{region!r}; accepted: a 4-, 6-, 9- or 12-digit region code")
    return region


@router.get("/ledger", response=LedgerOut)
def ledger(request: HttpRequest, region: str = "", level: str = "township") -> dict[str, Any]:
    _level(level)
    entries = selectors.ledger_entries(api_user(request), _region_prefix(region))
    return {
        "region": region,
        "level": level,
        "totals": selectors.ledger_totals(entries),
        "places": [vars(p) for p in selectors.ledger_places(entries, level)],
        "unowned": [vars(e) for e in selectors.ledger_unowned(entries)],
    }


@router.get("/ledger/entries", response=list[EntryOut])
def ledger_entries(request: HttpRequest, region: str = "") -> list[dict[str, Any]]:
    return [vars(e) for e in selectors.ledger_entries(api_user(request), _region_prefix(region))]


@router.get("/map", response=dict[str, Any])
def hazard_map(
    request: HttpRequest, campaign: int | None = None, include_closed: bool = False
) -> dict[str, Any]:
    return selectors.hazard_features(
        api_user(request), campaign=campaign, include_closed=include_closed
    )
