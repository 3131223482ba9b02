"""Key rotation: re-encrypt every person's fields and re-wrap their data key under the
current master key, then every other encrypted column (portal applicants, accident
parties, online submissions…), so a retired key can be removed from ``ZHENGFA_PII_KEYS``.

It runs in the background of a live system: both keys stay readable meanwhile, each batch
commits on its own (rows locked only for their batch), and rows already under the current
key are skipped — so a killed run simply continues where it stopped when started again.
``key_usage`` counts what each key still seals (``zhengfa pii rotation-status``) and
``retire_key`` refuses while anything does.

Audit rows are never rewritten (their hash covers the sealed bytes): personal data there
is sealed under each person's data key, which this re-wraps, so it stays readable. Data
sealed directly under a master key (e.g. failed-login names) needs that key kept for as
long as it must stay readable.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

from django.apps import apps
from django.db import models, transaction
from django.db.models import Q

from zhengfa.audit.actions import AuditAction
from zhengfa.audit.models import AuditEntry
from zhengfa.audit.services import audit_record
from zhengfa.pii import crypto
from zhengfa.pii.fields import EncryptedTextField
from zhengfa.pii.models import Person, PersonalField
from zhengfa.pii.services import PiiAction

BATCH = 500
DATA_KEYS = "pii.person.data_key_wrapped"
AUDIT_PERSONAL = "audit.auditentry.personal"


class KeyInUse(RuntimeError):
    """The key still seals data; the message says where."""


def pii_rotate_keys(
    *,
    actor: Any = None,
    batch_size: int = BATCH,
    progress: Callable[[int], None] | None = None,
    pause: float = 0.0,
) -> int:
    """Re-encrypt what is not under the current key; returns how many rows changed.
    ``pause`` seconds between batches leave room for the live system."""
    current = crypto.keyring().current_id
    ids = list(Person.objects.filter(erased_at__isnull=True).values_list("pk", flat=True))
    changed = 0
    for start in range(0, len(ids), batch_size):
        batch = ids[start : start + batch_size]
        changed += _rotate_batch(actor, batch, current)
        if progress:
            progress(len(batch))
        time.sleep(pause)
    for model, fields in other_encrypted_columns():
        changed += _rotate_columns(model, fields, current, batch_size, pause)
    return changed


def pii_rotate_background(*, budget: float, batch_size: int = BATCH) -> int:
    """The worker loop's share of a rotation: batches until nothing is left or ``budget``
    seconds are spent, so sweeping is never held up for long. Costs no query while
    ZHENGFA_PII_KEYS holds a single key (no rotation under way)."""
    ring = crypto.keyring()
    if len(ring.keys) == 1:
        return 0
    deadline = time.monotonic() + budget
    changed = 0
    while time.monotonic() < deadline:
        step = _rotate_step(ring.current_id, batch_size)
        if not step:
            break
        changed += step
    return changed


def _rotate_step(current: str, batch_size: int) -> int:
    stale_people = _stale(_person_fields(), current) | (
        Q(data_key_wrapped__startswith=f"{crypto.TOKEN_PREFIX}:")
        & ~Q(data_key_wrapped__startswith=f"{crypto.TOKEN_PREFIX}:{current}:")
    )
    ids = list(
        Person.objects.filter(stale_people, erased_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)[:batch_size]
    )
    if ids:
        return _rotate_batch(None, ids, current)
    for model, fields in other_encrypted_columns():
        changed = _rotate_columns(model, fields, current, batch_size, 0.0, limit=batch_size)
        if changed:
            return changed
    return 0


def other_encrypted_columns() -> Iterator[tuple[type[models.Model], list[EncryptedTextField]]]:
    """Every model's encrypted columns, people aside (their data key needs re-wrapping too)."""
    for model in apps.get_models():
        if model is Person:
            continue
        fields = [f for f in model._meta.get_fields() if isinstance(f, EncryptedTextField)]
        if fields:
            yield model, fields


def _stale(fields: list[EncryptedTextField], current: str) -> Q:
    stale = Q()
    for field in fields:
        stale |= Q(**{f"{field.name}__startswith": f"{crypto.TOKEN_PREFIX}:"}) & ~Q(
            **{f"{field.name}__startswith": f"{crypto.TOKEN_PREFIX}:{current}:"}
        )
    return stale


def _rotate_columns(
    model: type[models.Model],
    fields: list[EncryptedTextField],
    current: str,
    batch_size: int,
    pause: float,
    limit: int | None = None,
) -> int:
    manager = model._default_manager
    stale = manager.filter(_stale(fields, current)).order_by("pk").values_list("pk", flat=True)
    ids = list(stale[:limit] if limit else stale)
    for start in range(0, len(ids), batch_size):
        with transaction.atomic():
            rows = list(manager.select_for_update().filter(pk__in=ids[start : start + batch_size]))
            for row in rows:
                for field in fields:
                    token: str = getattr(row, field.name)
                    if token and crypto.key_id_of(token) != current:
                        clear = crypto.decrypt(token, context=field.context)
                        setattr(row, field.name, crypto.encrypt(clear, context=field.context))
            manager.bulk_update(rows, [f.name for f in fields])
        time.sleep(pause)
    return len(ids)


def key_usage() -> dict[str, dict[str, int]]:
    """Per key id, how many values each column still has sealed under it."""
    ring = crypto.keyring()
    columns: list[tuple[str, models.QuerySet[Any], str]] = [
        (DATA_KEYS, Person.objects.all(), "data_key_wrapped"),
        (AUDIT_PERSONAL, AuditEntry.objects.all(), "personal"),
    ]
    models_and_fields: list[tuple[type[models.Model], list[EncryptedTextField]]] = [
        (Person, _person_fields()),
        *other_encrypted_columns(),
    ]
    for model, fields in models_and_fields:
        for field in fields:
            columns.append((field.context, model._default_manager.all(), field.name))
    usage: dict[str, dict[str, int]] = {key_id: {} for key_id in ring.keys}
    for label, rows, name in columns:
        for key_id in ring.keys:
            prefix = f"{crypto.TOKEN_PREFIX}:{key_id}:"
            count = rows.filter(**{f"{name}__startswith": prefix}).count()
            if count:
                usage[key_id][label] = count
    return usage


def _person_fields() -> list[EncryptedTextField]:
    return [Person._meta.get_field(f.value) for f in PersonalField]  # type: ignore[misc]


def retire_key(*, actor: Any, key_id: str, accept_audit_loss: bool = False) -> None:
    """Check that nothing needs ``key_id`` any more, and record that it was retired.

    Audit rows are never re-encrypted (their hash covers the bytes): personal data sealed
    directly under the master key there (e.g. a failed login's user name) becomes
    unreadable once the key is gone, so that loss has to be accepted explicitly.
    """
    ring = crypto.keyring()
    if key_id not in ring.keys:
        raise KeyInUse(f"{key_id!r} is not in ZHENGFA_PII_KEYS")
    if key_id == ring.current_id:
        raise KeyInUse(f"{key_id!r} is the current key: put the new key first and rotate")
    used = key_usage()[key_id]
    if accept_audit_loss:
        used.pop(AUDIT_PERSONAL, None)
    if used:
        where = ", ".join(f"{label}: {count}" for label, count in sorted(used.items()))
        raise KeyInUse(
            f"key {key_id!r} still seals {where} — run `zhengfa pii rotate` first"
            + (" (or --accept-audit-loss for audit rows)" if AUDIT_PERSONAL in used else "")
        )
    audit_record(
        actor=actor,
        action=PiiAction.KEY_RETIRED,
        subject_type="pii.key",
        subject_id=key_id,
        new={"current": ring.current_id, "audit_loss_accepted": accept_audit_loss},
    )


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
