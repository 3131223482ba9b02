"""What the public portal holds about a person: applications and accident reports made
with their phone number (matched through the keyed phone hash; registered through
zhengfa.pii.registry)."""

from __future__ import annotations

from typing import Any

from django.db import models

from zhengfa.pii import crypto
from zhengfa.pii.models import Person
from zhengfa.pii.registry import Holding
from zhengfa.portal.models import AccidentParty, Application


def holdings(person: Person) -> list[Holding]:
    if not person.phone_hash:
        return []
    applications = Application.objects.filter(phone_hash=person.phone_hash).select_related(
        "matter", "item"
    )
    accidents = AccidentParty.objects.filter(phone_hash=person.phone_hash).select_related(
        "accident"
    )
    return [
        Holding(
            "portal.applications",
            "网上办事申请 Portal applications",
            [_application(a) for a in applications],
            [a.matter for a in applications],
        ),
        Holding(
            "portal.accidents",
            "快处快赔事故当事人 Accident reports",
            [
                {
                    "accident": party.accident.code,
                    "side": party.side,
                    "plate": party.plate,
                    "insurer": party.insurer,
                    "policy_no": party.policy_no,
                    "phone": _clear(party, "phone"),
                    "account": party.account,
                }
                for party in accidents
            ],
        ),
    ]


def _application(application: Application) -> dict[str, Any]:
    return {
        "receipt": application.receipt,
        "item": str(application.item),
        "name": _clear(application, "name"),
        "phone": _clear(application, "phone"),
        "details": application.details,
        "status": application.status,
        "submitted_at": application.submitted_at.isoformat(),
    }


def _clear(row: models.Model, field: str) -> str:
    token: str = getattr(row, field)
    context = type(row)._meta.get_field(field).context  # type: ignore[union-attr]
    return crypto.decrypt(token, context=context) if token else ""
