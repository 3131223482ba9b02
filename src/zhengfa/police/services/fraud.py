"""电信网络诈骗防范: citizens report fraud contacts; lookups warn with a count of reports.

A contact is stored once, normalised, with the number of reports — who reported it is
kept on the report (seen by the police of the reporter's area), never shown to anyone who
looks the contact up. A report with a loss becomes a criminal case (telecom fraud) of the
station covering the reporter's place. Police publish warnings about scam types to the
areas where reports rise (``fraud_rising``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, F

from zhengfa.flow.common import invalid, now
from zhengfa.flow.services.matters import matter_open
from zhengfa.org.models import Grid, Region, Unit
from zhengfa.org.roles import Role
from zhengfa.police.contacts import normalise
from zhengfa.police.flows import CRIMINAL_KIND
from zhengfa.police.models import (
    ContactKind,
    CrimeType,
    CriminalCase,
    FraudContact,
    FraudReport,
    FraudWarning,
    ScamType,
)
from zhengfa.police.services.common import record, require_role

FLAG_AT = 2  # a contact reported by two or more reports is flagged
MAX_CONTACTS = 10


@dataclass(frozen=True)
class ContactInput:
    kind: str
    value: str


@dataclass(frozen=True)
class Lookup:
    kind: str
    value: str
    reports: int

    @property
    def flagged(self) -> bool:
        return self.reports >= FLAG_AT


def fraud_report(
    *,
    actor: Any,
    scam_type: str,
    description: str,
    contacts: Sequence[ContactInput],
    loss: Decimal | str | None = None,
) -> FraudReport:
    require_role(actor, (Role.CITIZEN,), "report a suspected fraud")
    normalised = _check_report(scam_type, description, contacts)
    amount = _loss(loss)
    station = _station_for(actor.region_id)
    at = now()
    with transaction.atomic():
        report = FraudReport.objects.create(
            reporter=actor,
            region_id=actor.region_id,
            station=station,
            scam_type=scam_type,
            description=description.strip(),
            loss=amount,
            reported_at=at,
        )
        report.contacts.set([_count(kind, value, at) for kind, value in normalised])
        if amount:
            report.case = _loss_case(actor, report, station)
            report.save(update_fields=["case"])
        record(
            actor=actor,
            action="fraud.report",
            subject=report,
            new={"scam_type": scam_type, "contacts": len(normalised), "loss": str(amount or "")},
        )
    return report


def _check_report(
    scam_type: str, description: str, contacts: Sequence[ContactInput]
) -> list[tuple[str, str]]:
    if scam_type not in ScamType.values:
        raise invalid(
            "scam_type", f"unknown scam type {scam_type!r}; accepted: {', '.join(ScamType.values)}"
        )
    if not description.strip() or len(description) > 4000:
        raise invalid("description", "a description is required (1–4000 characters)")
    if not contacts or len(contacts) > MAX_CONTACTS:
        raise invalid("contacts", f"accepted: 1 to {MAX_CONTACTS} phone numbers, links or accounts")
    found = [normalise(c.kind, c.value, f"contacts[{i}].value") for i, c in enumerate(contacts)]
    return list(dict.fromkeys(zip((c.kind for c in contacts), found, strict=True)))


def _loss(loss: Decimal | str | None) -> Decimal | None:
    from zhengfa.disputes.services.intake import parse_amount  # one parser of yuan amounts

    try:
        return parse_amount(loss)
    except Exception as exc:
        raise invalid("loss", "accepted: the money lost in yuan, e.g. 12000.50") from exc


def _station_for(region_code: str | None) -> Unit:
    """The station of the beat covering the first grid of the reporter's area."""
    grid = (
        Grid.objects.filter(region__code__startswith=region_code or "-", beat__isnull=False)
        .select_related("beat__station")
        .first()
    )
    if grid is None or grid.beat is None:
        raise invalid("region", "no police station covers your registered area")
    return grid.beat.station


def _count(kind: str, value: str, at: Any) -> FraudContact:
    contact, created = FraudContact.objects.get_or_create(
        kind=kind,
        value=value,
        defaults={"reports": 1, "first_reported_at": at, "last_reported_at": at},
    )
    if not created:
        FraudContact.objects.filter(pk=contact.pk).update(
            reports=F("reports") + 1, last_reported_at=at
        )
    return contact


def _loss_case(actor: Any, report: FraudReport, station: Unit) -> CriminalCase:
    matter = matter_open(
        actor=None,  # a citizen's report opens the station's case: the intake itself
        kind=CRIMINAL_KIND,
        title=f"电信网络诈骗 {report.get_scam_type_display()} 损失{report.loss}元",
        region_code=report.region_id,
        unit=station,
        participants=[actor],
    )
    return CriminalCase.objects.create(
        matter=matter,
        crime_type=CrimeType.TELECOM_FRAUD,
        major=False,
        registered_on=report.reported_at.date(),
        loss=report.loss,
    )


def fraud_lookup(*, kind: str, value: str) -> Lookup:
    """How many reports name this contact (never who made them). Anyone may ask."""
    normal = normalise(kind, value)
    reports = (
        FraudContact.objects.filter(kind=kind, value=normal)
        .values_list("reports", flat=True)
        .first()
    )
    return Lookup(kind=kind, value=normal, reports=reports or 0)


def fraud_rising(*, region_code: str, days: int = 14) -> list[tuple[str, int, int]]:
    """Scam types in ``region_code`` with (recent count, previous count) where the last
    ``days`` days have more reports than the ``days`` before them."""
    end = now() + timedelta(seconds=1)  # include reports made this very second
    recent = _counts(region_code, end - timedelta(days=days), end)
    before = _counts(region_code, end - timedelta(days=2 * days), end - timedelta(days=days))
    return sorted(
        ((t, n, before.get(t, 0)) for t, n in recent.items() if n > before.get(t, 0)),
        key=lambda row: row[1] - row[2],
        reverse=True,
    )


def _counts(region_code: str, since: Any, until: Any) -> dict[str, int]:
    rows = (
        FraudReport.objects.filter(
            region__code__startswith=region_code, reported_at__gte=since, reported_at__lt=until
        )
        .values("scam_type")
        .annotate(n=Count("pk"))
    )
    return {row["scam_type"]: row["n"] for row in rows}


def fraud_warning_publish(
    *, actor: Any, region_code: str, scam_type: str, text: str
) -> FraudWarning:
    require_role(actor, (Role.POLICE_OFFICER,), "publish a fraud warning")
    if not Region.objects.filter(code=region_code).exists():
        raise invalid("region", f"unknown region {region_code!r}; accepted: a GB/T 2260 code")
    station_region = actor.unit.region_id if actor.unit else ""
    if not region_code.startswith(station_region[:6]):
        raise invalid("region", f"accepted: a region inside {station_region[:6]}")
    if scam_type not in ScamType.values:
        raise invalid("scam_type", f"accepted: {', '.join(ScamType.values)}")
    if not text.strip() or len(text) > 2000:
        raise invalid("text", "a warning text is required (1–2000 characters)")
    until = now() + timedelta(seconds=1)
    seen = _counts(region_code, until - timedelta(days=14), until).get(scam_type, 0)
    with transaction.atomic():
        warning = FraudWarning.objects.create(
            region_id=region_code,
            scam_type=scam_type,
            text=text.strip(),
            reports_seen=seen,
            published_by=actor,
            published_at=now(),
        )
        record(actor=actor, action="fraud.warn", subject=warning, new={"region": region_code})
    return warning


def warnings_for(region_code: str, limit: int = 5) -> list[FraudWarning]:
    """Warnings published to this region or an area containing it, newest first."""
    prefixes = [region_code[:n] for n in (2, 4, 6, 9, 12) if len(region_code) >= n]
    return list(FraudWarning.objects.filter(region_id__in=prefixes)[:limit])


def warning_text(lookup: Lookup) -> str:
    """What a person looking the contact up is told (a count, never who reported it)."""
    if not lookup.reports:
        return "暂无举报记录。不转账、不透露验证码,如有疑问拨打96110。"
    if not lookup.flagged:
        return f"该{ContactKind(lookup.kind).label}已被举报{lookup.reports}次,请提高警惕。"
    return (
        f"警告:该{ContactKind(lookup.kind).label}已被{lookup.reports}次举报为诈骗联系方式。"
        "请立即停止联系,切勿转账;如已转账请拨打110或96110。"
    )
