"""Reading the audit log: a subject's history, and (audited) its sealed personal data."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models, transaction

from zhengfa.audit.actions import AuditAction
from zhengfa.audit.models import AuditEntry
from zhengfa.audit.services import audit_record
from zhengfa.org.roles import Role
from zhengfa.pii.envelope import PersonalDataErased, open_personal
from zhengfa.pii.models import Person
from zhengfa.pii.services import clean_purpose


def audit_entries_for_subject(subject: models.Model) -> models.QuerySet[AuditEntry]:
    """Every row about one subject, oldest first (rows outlive the subject itself)."""
    return AuditEntry.objects.filter(
        subject_type=subject._meta.label_lower, subject_id=str(subject.pk)
    ).order_by("created_at", "id")


def audit_entry_personal(*, actor: Any, entry: AuditEntry, purpose: str) -> dict[str, str] | None:
    """The clear personal data of one row for the platform admin (an investigation),
    itself audited; ``None`` when the person's key was erased."""
    if actor is None or not actor.is_authenticated or actor.role != Role.PLATFORM_ADMIN:
        raise PermissionDenied("只有平台管理员可以查看审计中的个人信息 / platform admin only")
    purpose = clean_purpose(purpose)
    if not entry.personal:
        return {}
    person = Person.objects.filter(pk=entry.person_ref).first() if entry.person_ref else None
    try:
        values = open_personal(entry.personal, person)
    except PersonalDataErased:
        return None
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditAction.PII_VIEW,
            subject=entry,
            new={"field": "audit.personal", "purpose": purpose},
            person=person,
        )
    return values
