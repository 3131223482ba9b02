"""Key rotation: re-encrypt every person's fields and re-wrap their data key under the
current master key, so a retired key can be removed from ``ZHENGFA_PII_KEYS``.

Audit rows are never rewritten (their hash covers the sealed bytes): personal data there
is sealed under each person's data key, which this re-wraps, so it stays readable. Data
sealed directly under a master key (e.g. failed-login names) needs that key kept for as
long as it must stay readable.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction

from zhengfa.audit.actions import AuditAction
from zhengfa.audit.services import audit_record
from zhengfa.pii import crypto
from zhengfa.pii.models import Person, PersonalField

BATCH = 500


def pii_rotate_keys(
    *, actor: Any = None, batch_size: int = BATCH, progress: Callable[[int], None] | None = None
) -> int:
    """Re-encrypt what is not under the current key; returns how many people changed.
    Restartable: each batch commits on its own and people already rotated are skipped."""
    current = crypto.keyring().current_id
    ids = list(Person.objects.filter(erased_at__isnull=True).values_list("pk", flat=True))
    changed = 0
    for start in range(0, len(ids), batch_size):
        batch = ids[start : start + batch_size]
        changed += _rotate_batch(actor, batch, current)
        if progress:
            progress(len(batch))
    return changed


def _rotate_batch(actor: Any, ids: list[int], current: str) -> int:
    with transaction.atomic():
        people = [
            p for p in Person.objects.select_for_update().filter(pk__in=ids) if _rotate(p, current)
        ]
        fields = [field.value for field in PersonalField] + ["data_key_wrapped"]
        Person.objects.bulk_update(people, fields)
        if people:
            audit_record(
                actor=actor,
                action=AuditAction.PII_ROTATE,
                subject_type="pii.person",
                subject_id=f"batch:{ids[0]}-{ids[-1]}",
                new={"key_id": current, "people": len(people)},
            )
    return len(people)


def _rotate(person: Person, current: str) -> bool:
    changed = False
    for field in PersonalField:
        token: str = getattr(person, field.value)
        if token and crypto.key_id_of(token) != current:
            context = Person._meta.get_field(field.value).context  # type: ignore[union-attr]
            setattr(
                person,
                field.value,
                crypto.encrypt(crypto.decrypt(token, context=context), context=context),
            )
            changed = True
    wrapped = person.data_key_wrapped
    if wrapped and crypto.key_id_of(wrapped) != current:
        person.data_key_wrapped = crypto.data_key_rewrap(wrapped)
        changed = True
    return changed
