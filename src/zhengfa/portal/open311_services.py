"""Open311 GeoReport v2 writes: issue client keys, file a reported problem.

A request lands as a ``portal_report`` matter in the grid that contains its point, owned
by the unit that handles the service there; outside every grid of the city, or with an
unknown service code, nothing is stored.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from zhengfa.flow.common import invalid, now
from zhengfa.flow.services.matters import matter_open
from zhengfa.org.roles import Role
from zhengfa.portal.common import audit, clean_phone, new_code, sealed_phone
from zhengfa.portal.geo import grid_at
from zhengfa.portal.models import Application, AppStatus, Channel, Open311Client, ServiceItem
from zhengfa.portal.services import handling_unit


def _key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def open311_client_issue(*, actor: Any, name: str, contact: str = "") -> tuple[Open311Client, str]:
    """A new client and its key (shown once; only its hash is kept). Platform admins only."""
    if getattr(actor, "role", None) != Role.PLATFORM_ADMIN:
        raise PermissionDenied("only a platform administrator issues Open311 keys")
    if not name.strip():
        raise invalid("name", "the client's name is required (1–120 characters)")
    key = secrets.token_urlsafe(24)
    with transaction.atomic():
        client = Open311Client.objects.create(
            name=name.strip()[:120],
            contact=contact.strip()[:120],
            key_prefix=key[:8],
            key_hash=_key_hash(key),
            issued_by=actor,
            issued_at=now(),
        )
        audit(actor=actor, action="open311.key_issue", subject=client, new={"name": client.name})
    return client, key


def open311_client_revoke(*, actor: Any, client: Open311Client) -> Open311Client:
    if getattr(actor, "role", None) != Role.PLATFORM_ADMIN:
        raise PermissionDenied("only a platform administrator revokes Open311 keys")
    with transaction.atomic():
        client.revoked_at = now()
        client.save(update_fields=["revoked_at"])
        audit(actor=actor, action="open311.key_revoke", subject=client)
    return client


def client_for_key(key: str) -> Open311Client | None:
    if not key:
        return None
    return Open311Client.objects.filter(key_hash=_key_hash(key), revoked_at__isnull=True).first()


@dataclass(frozen=True)
class Report:
    service_code: str
    lat: float
    lon: float
    description: str = ""
    address_string: str = ""
    media_url: str = ""
    phone: str = ""
    idempotency_key: str = ""


def open311_request_create(*, client: Open311Client, report: Report) -> Application:
    """File the report as a matter in its grid; a repeated idempotency key files nothing."""
    if report.idempotency_key:
        earlier = Application.objects.filter(idempotency_key=report.idempotency_key).first()
        if earlier is not None:
            return earlier
    item = ServiceItem.objects.filter(code=report.service_code, open311=True, active=True).first()
    if item is None:
        raise invalid("service_code", f"unknown service_code {report.service_code!r}")
    grid = grid_at(report.lon, report.lat)
    if grid is None:
        raise invalid("lat", f"({report.lat}, {report.lon}) is outside the city's grids")
    phone = clean_phone(report.phone) if report.phone else ""
    unit = handling_unit(item, grid.region_id)
    at = now()
    with transaction.atomic():
        receipt = new_code("RQ", at)
        matter = matter_open(
            actor=None,
            kind="portal_report",
            title=f"{item.name_zh} {receipt}",
            region_code=grid.region_id,
            unit=unit,
            grid=grid,
            deadline=item.deadline,
        )
        application = Application.objects.create(
            matter=matter,
            item=item,
            receipt=receipt,
            details=report.description.strip()[:4000],
            channel=Channel.OPEN311,
            status=AppStatus.RECEIVED,
            submitted_at=at,
            lat=report.lat,
            lon=report.lon,
            address_string=report.address_string.strip()[:200],
            media_url=report.media_url[:400],
            client=client,
            idempotency_key=report.idempotency_key or None,
            **(sealed_phone(Application, phone) if phone else {}),
        )
        audit(
            actor=None,
            action="open311.request_create",
            subject=application,
            new={"service_code": item.code, "grid": grid.code, "client": client.pk},
            personal={"phone": phone} if phone else None,
        )
    return application


def open311_request_close(*, actor: Any, application: Application, notes: str) -> Application:
    """The handling unit reports the problem dealt with (status ``closed`` in Open311)."""
    from zhengfa.flow.models import Matter
    from zhengfa.flow.services.matters import matter_move

    if not Application.objects.for_user(actor, "change").filter(pk=application.pk).exists():
        raise PermissionDenied("this request is outside your jurisdiction")
    if application.status == AppStatus.DONE:
        raise invalid("status", "the request is already closed")
    with transaction.atomic():
        matter = Matter.objects.get(pk=application.pk)
        matter_move(actor=actor, matter=matter, to_stage="done", version=matter.version, note=notes)
        clock = matter.clocks.filter(purpose="overall").first()
        done_at = now()
        Application.objects.filter(pk=application.pk).update(
            status=AppStatus.DONE,
            done_at=done_at,
            outcome_note=notes.strip()[:2000],
            limit_due_at=clock.due_at if clock else None,
            within_limit=(done_at <= clock.due_at) if clock else None,
            taken_seconds=int((done_at - application.submitted_at).total_seconds()),
        )
        application.refresh_from_db()
        audit(actor=actor, action="open311.request_close", subject=application, reason=notes)
    return application
