"""What the platform holds about one person (个人信息保护法 art. 45: the right to access
and copy), collected from every app's ``personal_data.py`` (``pii.registry``).

Unmasked by nature, so only the platform admin produces it, on a request whose reference
is the stated reason, and each export writes a ``pii.export`` audit row (sections and
counts, never the values).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from zhengfa.audit.models import AuditEntry
from zhengfa.audit.services import audit_record
from zhengfa.pii import crypto
from zhengfa.pii.models import Person, PersonalField
from zhengfa.pii.registry import holdings_of
from zhengfa.pii.services import (
    ERASED,
    ID_NUMBER_INDEX,
    PiiAction,
    clean_purpose,
    require_platform_admin,
)
from zhengfa.pii.validation import validate_id_number

FORMAT = "zhengfa-personal-data-export/1"


def person_by_id_number(id_number: str) -> Person | None:
    """Across every jurisdiction (the export is the platform's answer, not a unit's)."""
    clean = validate_id_number(id_number)
    return Person.objects.filter(id_number_hash=crypto.blind_index(ID_NUMBER_INDEX, clean)).first()


def person_export(*, actor: Any, person: Person, reason: str) -> dict[str, Any]:
    require_platform_admin(actor, "导出个人信息")
    try:
        reason = clean_purpose(reason)
    except ValidationError:
        raise ValidationError(
            {"reason": "请写明申请编号或事由（不含个人信息）/ state the request reference"}
        ) from None
    with transaction.atomic():
        held = holdings_of(person)
        export = {
            "format": FORMAT,
            "produced_at": timezone.now().isoformat(timespec="seconds"),
            "produced_by": actor.username,
            "reason": reason,
            "person": _person(person),
            "sections": {h.section: {"title": h.title, "records": h.records} for h in held},
            "audit": _audit_trail(person),
        }
        audit_record(
            actor=actor,
            action=PiiAction.EXPORT,
            subject=person,
            new={"sections": {h.section: len(h.records) for h in held}},
            reason=reason,
        )
    return export


def _person(person: Person) -> dict[str, Any]:
    clear: dict[str, Any] = {"id": person.pk}
    for field in PersonalField:
        token: str = getattr(person, field.value)
        context = Person._meta.get_field(field.value).context  # type: ignore[union-attr]
        if person.is_erased:
            clear[field.value] = ERASED
        else:
            clear[field.value] = crypto.decrypt(token, context=context) if token else ""
    clear["region"] = person.region_id
    clear["registered_at"] = person.created_at.isoformat(timespec="seconds")
    clear["erased_at"] = person.erased_at.isoformat() if person.erased_at else None
    return clear


def _audit_trail(person: Person) -> list[dict[str, Any]]:
    rows = AuditEntry.objects.filter(subject_type="pii.person", subject_id=str(person.pk))
    return [
        {"action": row.action, "at": row.created_at.isoformat(timespec="seconds")}
        for row in rows.order_by("created_at", "pk")
    ]


def export_summary(export: dict[str, Any]) -> str:
    """The same export as plain text for the person: one line per record."""
    person = export["person"]
    lines = [
        "个人信息副本 / Personal data held by the platform",
        f"生成 produced {export['produced_at']} (request: {export['reason']})",
        "",
        f"姓名 name: {person['name']}",
        f"身份证号 ID number: {person['id_number']}",
        f"电话 phone: {person['phone']}",
        f"住址 address: {person['address']}",
        "",
    ]
    for section in export["sections"].values():
        lines.append(f"{section['title']} ({len(section['records'])})")
        lines.extend(
            "  - " + ", ".join(f"{k}: {v}" for k, v in record.items())
            for record in section["records"]
        )
    lines.append(f"操作记录 audit trail: {len(export['audit'])} entries")
    return "\n".join(lines) + "\n"
