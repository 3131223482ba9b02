"""Intake: a grid worker in the field, a citizen through the portal, the centre's desk.

Everything is checked before anything is written — the place (a grid, or a point inside
one), the category, the parties, every photo — and the whole report is one transaction:
a bad photo or a bad party leaves no dispute, no person and no file behind.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from shapely.geometry import Point

from zhengfa.disputes.credit_code import CreditCodeError, credit_code_clean
from zhengfa.disputes.flows import DISPUTE_KIND
from zhengfa.disputes.models import (
    Channel,
    Dispute,
    DisputeCategory,
    DisputeOrganisation,
    DisputeParty,
    DisputePhoto,
    PartySide,
    Severity,
)
from zhengfa.disputes.organisations import intake_centre
from zhengfa.disputes.services.common import record
from zhengfa.flow.common import invalid
from zhengfa.flow.photos import (
    CheckedPhoto,
    PhotoInput,
    files_removed_on_failure,
    photo_check,
    photo_row_create,
    photos_check,
)
from zhengfa.flow.services.matters import matter_open
from zhengfa.org.geo import polygon_from_geojson
from zhengfa.org.models import Grid
from zhengfa.org.roles import Role
from zhengfa.pii.models import Person
from zhengfa.pii.selectors import person_find_by_id_number
from zhengfa.pii.services import person_create

NEAR_DEGREES = 0.2  # grids whose centroid lies this close are tested for containment

CHANNEL_ROLES: dict[str, tuple[str, ...]] = {
    Channel.GRID: (Role.GRID_WORKER,),
    Channel.PORTAL: (Role.CITIZEN,),
    Channel.DESK: (Role.CENTRE_OPERATOR, Role.MEDIATOR, Role.DEPT_LIAISON),
    Channel.POLICE: (Role.POLICE_OFFICER,),  # 警情分流: a 110 report diverted to mediation
}


@dataclass(frozen=True)
class PartyInput:
    name: str
    side: str = PartySide.APPLICANT
    id_number: str = ""
    phone: str = ""
    address: str = ""


@dataclass(frozen=True)
class OrganisationInput:
    """An organisation party: its name, and its unified social credit code when known."""

    name: str
    credit_code: str = ""
    side: str = PartySide.RESPONDENT


def dispute_report(
    *,
    actor: Any,
    category: str,
    severity: str,
    description: str,
    grid_code: str = "",
    lon: float | None = None,
    lat: float | None = None,
    amount: Decimal | str | None = None,
    parties: Sequence[PartyInput] = (),
    photos: Sequence[PhotoInput] = (),
    channel: str = Channel.PORTAL,
    title: str = "",
    organisations: Sequence[OrganisationInput] = (),
) -> Dispute:
    """Register a dispute where it happened. Grid and desk reports are routed at once by the
    rules (``dispute_route``); portal reports wait for the centre to route them."""
    _check_channel(actor, channel)
    found = _category(category)
    grid = _place(grid_code, lon, lat)
    clean = _check_fields(severity, description, amount, channel, parties)
    employers = organisations_clean(organisations)
    checked = photos_check(photos)
    centre = intake_centre(grid.region_id)
    if centre is None:
        raise invalid("grid", f"no governance centre covers {grid.region_id}")
    with files_removed_on_failure() as stored, transaction.atomic():
        matter = matter_open(
            # A police diversion (警情分流) comes from outside the centre's unit: the intake
            # opens it, and the disputes.report row below names the officer.
            actor=None if channel == Channel.POLICE else actor,
            kind=DISPUTE_KIND,
            title=(title or f"{found.name}: {description}")[:200],
            region_code=grid.region_id,
            unit=centre,
            grid=grid,
            participants=[actor] if actor.role in (Role.GRID_WORKER, Role.CITIZEN) else [],
        )
        dispute = Dispute.objects.create(
            matter=matter,
            category=found,
            severity=severity,
            amount=clean,
            description=description.strip(),
            channel=channel,
            reported_by=actor,
            reported_at=matter.opened_at,
            lon=lon if lon is not None else grid.centroid_lon,
            lat=lat if lat is not None else grid.centroid_lat,
        )
        for index, party in enumerate(parties):
            _add_party(actor, dispute, party, f"parties[{index}]")
        DisputeOrganisation.objects.bulk_create(
            DisputeOrganisation(
                dispute=dispute, name=o.name, credit_code=o.credit_code, side=o.side
            )
            for o in employers
        )
        for photo in checked:
            _store_photo(actor, dispute, photo, stored)
        record(
            actor=actor,
            action="report",
            subject=dispute,
            new={
                "channel": channel,
                "category": found.code,
                "severity": severity,
                "grid": grid.code,
                "parties": len(parties),
                "organisations": [o.name for o in employers],
                "photos": len(checked),
            },
        )
        if channel not in (Channel.PORTAL, Channel.POLICE):  # those wait for the centre
            from zhengfa.disputes.services.routing import dispute_route

            dispute_route(actor=actor, dispute=dispute)
    return dispute


def _check_channel(actor: Any, channel: str) -> None:
    if channel not in CHANNEL_ROLES:
        raise invalid(
            "channel", f"unknown channel {channel!r}; accepted: {', '.join(Channel.values)}"
        )
    roles = CHANNEL_ROLES[channel]
    if actor is None or not actor.is_authenticated or actor.role not in roles:
        raise PermissionDenied(f"the {channel} channel is for {', '.join(roles)}")


def _category(code: str) -> DisputeCategory:
    found = DisputeCategory.objects.filter(code=code, active=True).first()
    if found is None:
        accepted = ", ".join(
            DisputeCategory.objects.filter(active=True).values_list("code", flat=True)
        )
        raise invalid("category", f"unknown category {code!r}; accepted: {accepted}")
    return found


def _place(grid_code: str, lon: float | None, lat: float | None) -> Grid:
    """The grid named, or the grid containing the point picked on the map."""
    if grid_code:
        grid = Grid.objects.filter(code=grid_code).first()
        if grid is None:
            raise invalid(
                "grid", f"unknown grid {grid_code!r}; accepted: a grid code such as 230402001001001"
            )
        return grid
    if lon is None or lat is None:
        raise invalid(
            "location", "a grid code, or a point (lon, lat) picked on the map, is required"
        )
    grid = grid_at(lon, lat)
    if grid is None:
        raise invalid(
            "location", f"the point ({lon:.5f}, {lat:.5f}) lies outside every grid of the city"
        )
    return grid


def grid_at(lon: float, lat: float) -> Grid | None:
    point = Point(lon, lat)
    near = Grid.objects.filter(
        centroid_lon__range=(lon - NEAR_DEGREES, lon + NEAR_DEGREES),
        centroid_lat__range=(lat - NEAR_DEGREES, lat + NEAR_DEGREES),
    )
    return next((g for g in near if polygon_from_geojson(g.geometry).covers(point)), None)


def _check_fields(
    severity: str,
    description: str,
    amount: Decimal | str | None,
    channel: str,
    parties: Sequence[PartyInput],
) -> Decimal | None:
    if severity not in Severity.values:
        raise invalid(
            "severity", f"unknown severity {severity!r}; accepted: {', '.join(Severity.values)}"
        )
    if not description.strip() or len(description) > 4000:
        raise invalid("description", "a description is required (1–4000 characters)")
    if channel == Channel.GRID and not parties:
        raise invalid("parties", "a grid report names at least one party")
    for index, party in enumerate(parties):
        if party.side not in PartySide.values:
            raise invalid(f"parties[{index}].side", f"accepted: {', '.join(PartySide.values)}")
    return parse_amount(amount)


def organisations_clean(given: Sequence[OrganisationInput]) -> list[OrganisationInput]:
    """Each organisation with its name trimmed and its credit code checked (GB 32100-2015);
    the error names the field, e.g. ``organisations[0].credit_code``."""
    cleaned = []
    for index, org in enumerate(given):
        field = f"organisations[{index}]"
        name = " ".join(org.name.split())
        if not name or len(name) > 128:
            raise invalid(f"{field}.name", "an organisation's name is required (1–128 characters)")
        if org.side not in PartySide.values:
            raise invalid(f"{field}.side", f"accepted: {', '.join(PartySide.values)}")
        code = ""
        if org.credit_code.strip():
            try:
                code = credit_code_clean(org.credit_code)
            except CreditCodeError as error:
                raise invalid(f"{field}.credit_code", str(error)) from None
        cleaned.append(OrganisationInput(name=name, credit_code=code, side=org.side))
    return cleaned


def parse_amount(amount: Decimal | str | None) -> Decimal | None:
    if amount is None or amount == "":
        return None
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        raise invalid(
            "amount", f"{amount!r} is not an amount; accepted: yuan, e.g. 12000.50"
        ) from None
    if not value.is_finite() or value < 0 or value >= Decimal("1e12"):
        raise invalid("amount", "accepted: a non-negative amount in yuan below one trillion")
    return value.quantize(Decimal("0.01"))


def _store_photo(actor: Any, dispute: Dispute, photo: CheckedPhoto, stored: list[str]) -> None:
    photo_row_create(DisputePhoto, photo, stored, actor=actor, dispute=dispute)


def _add_party(actor: Any, dispute: Dispute, party: PartyInput, field: str) -> DisputeParty:
    try:
        person = _person(actor, dispute, party)
    except ValidationError as exc:
        raise ValidationError({f"{field}.{k}": v for k, v in exc.message_dict.items()}) from exc
    return DisputeParty.objects.create(dispute=dispute, person=person, side=party.side)


def _person(actor: Any, dispute: Dispute, party: PartyInput) -> Person:
    if party.id_number.strip():
        known = person_find_by_id_number(actor=actor, id_number=party.id_number)
        if known is not None:
            return known
    return person_create(
        actor=actor,
        name=party.name,
        id_number=party.id_number,
        phone=party.phone,
        address=party.address,
        region_code=dispute.matter.region_id,
    )


def dispute_party_add(*, actor: Any, dispute: Dispute, party: PartyInput) -> DisputeParty:
    """Add a party after intake (a portal report names none; the centre adds them)."""
    if party.side not in PartySide.values:
        raise invalid("side", f"accepted: {', '.join(PartySide.values)}")
    with transaction.atomic():
        if not Dispute.objects.for_user(actor, "change").filter(pk=dispute.pk).exists():
            raise PermissionDenied("this dispute is outside your jurisdiction")
        added = _add_party(actor, dispute, party, "party")
        record(
            actor=actor,
            action="party_add",
            subject=dispute,
            new={"side": party.side, "person": added.person_id},
        )
    return added


def photos_store(
    *, actor: Any, dispute: Dispute, photos: Sequence[PhotoInput]
) -> list[DisputePhoto]:
    """Add photos to a dispute in scope; all are checked before any is stored."""
    checked = [photo_check(p, f"photos[{i}]") for i, p in enumerate(photos)]
    with files_removed_on_failure() as stored, transaction.atomic():
        if not Dispute.objects.for_user(actor, "change").filter(pk=dispute.pk).exists():
            raise PermissionDenied("this dispute is outside your jurisdiction")
        for photo in checked:
            _store_photo(actor, dispute, photo, stored)
        record(
            actor=actor,
            action="photos_add",
            subject=dispute,
            new={"photos": [p.sha256 for p in checked]},
        )
    return list(dispute.photos.filter(image__in=stored))
