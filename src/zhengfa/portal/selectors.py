"""Reads of the service hall: the catalogue, an item's record, lookups, staff lists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core import signing
from django.db.models import Avg, Count, Q, QuerySet

from zhengfa.portal.models import Application, AppStatus, Category, ServiceItem

PROOF_SALT = "portal.applicant"
PROOF_MAX_AGE = 2 * 3600  # seconds a verified lookup stays valid in the browser


def catalogue(query: str = "") -> list[tuple[str, list[ServiceItem]]]:
    """Active items grouped by category, optionally filtered by a search word."""
    items = ServiceItem.objects.filter(active=True)
    if query.strip():
        word = query.strip()
        items = items.filter(
            Q(name_zh__icontains=word) | Q(name_en__icontains=word) | Q(keywords__icontains=word)
        )
    grouped: dict[str, list[ServiceItem]] = {}
    for item in items.order_by("category", "code"):
        grouped.setdefault(item.category, []).append(item)
    return [(str(Category(c).label), grouped[c]) for c in Category.values if c in grouped]


@dataclass(frozen=True)
class ItemRecord:
    finished: int
    average: timedelta | None  # time from submission to done, waiting for the applicant excluded
    within_limit: int

    @property
    def share_within(self) -> int | None:
        return round(100 * self.within_limit / self.finished) if self.finished else None


def item_record(item: ServiceItem) -> ItemRecord:
    """How the item has actually done: average time taken against its promise."""
    row = Application.objects.filter(item=item, status=AppStatus.DONE).aggregate(
        finished=Count("pk"),
        average=Avg("taken_seconds"),
        within=Count("pk", filter=Q(within_limit=True)),
    )
    average = timedelta(seconds=row["average"]) if row["average"] is not None else None
    return ItemRecord(row["finished"], average, row["within"])


def human_duration(value: timedelta | None) -> str:
    if value is None:
        return "—"
    minutes = int(value.total_seconds() // 60)
    if minutes < 120:
        return f"{minutes} 分钟 min"
    if minutes < 48 * 60:
        return f"{minutes / 60:.1f} 小时 h"
    return f"{minutes / 1440:.1f} 天 days"


def applicant_proof(application: Application) -> str:
    """A signed, expiring proof that this browser passed the receipt + phone check."""
    return signing.dumps(application.receipt, salt=PROOF_SALT)


def application_by_proof(proof: str) -> Application | None:
    try:
        receipt = signing.loads(proof, salt=PROOF_SALT, max_age=PROOF_MAX_AGE)
    except signing.BadSignature:
        return None
    return application_by_receipt(receipt)


def application_by_receipt(receipt: str) -> Application | None:
    return (
        Application.objects.select_related("item", "matter")
        .filter(receipt=receipt.strip().upper())
        .first()
    )


def staff_applications(user: Any) -> QuerySet[Application]:
    return (
        Application.objects.for_user(user)
        .select_related("item", "matter", "matter__unit")
        .order_by("status", "matter__due_at", "-submitted_at")
    )


def my_applications(user: Any) -> QuerySet[Application]:
    return (
        Application.objects.filter(applicant=user).select_related("item").order_by("-submitted_at")
    )
