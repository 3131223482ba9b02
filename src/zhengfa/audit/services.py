"""Writing the audit log: ``audit_record`` inside the caller's transaction, and checkpoints.

Usage in a service::

    with transaction.atomic():
        before = model_snapshot(unit)
        unit.name = new_name
        unit.save()
        old, new = model_diff(before, unit)
        audit_record(actor=actor, action="unit.rename", subject=unit, old=old, new=new)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper
from django.utils import timezone

from zhengfa.audit.canonical import canonical_json, sha256_hex
from zhengfa.audit.chain import row_hash_of, shard_for
from zhengfa.audit.models import AuditEntry, ShardHead
from zhengfa.audit.statements import NativeCursor, instance, statement_cursor
from zhengfa.pii.envelope import seal_personal
from zhengfa.pii.masking import redact_personal
from zhengfa.pii.validation import find_personal

if TYPE_CHECKING:
    from zhengfa.pii.models import Person

REDACTED = "[encrypted]"
# Secrets that are not personal data but must not be copied into the log either.
SECRET_FIELD_NAMES = frozenset({"password", "key_hash", "data_key_wrapped"})


class AuditUsageError(ValueError):
    """audit_record was called in a way that would weaken the log (a programming error)."""


class PersonalDataInClear(ValidationError):
    """A value bound for the audit log holds an ID or phone number in clear. A
    ValidationError naming the field, because it is often typed by a user (a reason)."""


def audit_record(
    *,
    actor: Any,
    action: str,
    subject: models.Model | None = None,
    subject_type: str = "",
    subject_id: str = "",
    subject_label: str = "",
    old: Mapping[str, Any] | None = None,
    new: Mapping[str, Any] | None = None,
    reason: str = "",
    personal: Mapping[str, str] | None = None,
    person: Person | None = None,
) -> AuditEntry:
    """Append one row to the audit log, in the caller's transaction.

    ``subject`` (a model instance) or ``subject_type``/``subject_id`` name what the event
    is about; ids and labels are copied. ``old``/``new`` hold changed values and must not
    hold personal data: pass that as ``personal``, which is sealed under ``person``'s own
    key (so erasing that key erases it here too) or, without a person, the master key.
    """
    db = transaction.get_connection()
    if not db.in_atomic_block:
        raise AuditUsageError("audit_record must run inside the transaction of the change")
    if not action:
        raise AuditUsageError("audit_record needs an action, e.g. 'case.file'")
    _refuse_personal("reason", reason)
    row: dict[str, Any] = {
        "action": action,
        "reason": reason,
        "created_at": timezone.now(),
        **_actor(actor),
        **_subject(subject, subject_type, subject_id, subject_label),
        "old_json": _clean_json("old", old),
        "new_json": _clean_json("new", new),
        "personal": seal_personal(dict(personal), person) if personal else "",
        "person_ref": person.pk if person is not None else None,
    }
    _append(row, db)
    return instance(AuditEntry, row)


def _actor(actor: Any) -> dict[str, Any]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        label = "anonymous" if actor is not None else "system"
        return {"actor_id": None, "actor_label": label, "actor_role": ""}
    return {
        "actor_id": actor.pk,
        "actor_label": redact_personal(actor.get_username())[:160],
        "actor_role": str(getattr(actor, "role", ""))[:32],
    }


def _subject(
    subject: models.Model | None, subject_type: str, subject_id: str, subject_label: str
) -> dict[str, str]:
    if subject is not None:
        subject_type = subject_type or subject._meta.label_lower
        subject_id = subject_id or str(subject.pk)
        subject_label = subject_label or str(subject)
    return {
        "subject_type": subject_type[:64],
        "subject_id": str(subject_id)[:64],
        "subject_label": redact_personal(subject_label)[:200],
    }


def _clean_json(name: str, values: Mapping[str, Any] | None) -> str:
    text = canonical_json(dict(values or {}))
    _refuse_personal(name, text)
    return text


def _refuse_personal(name: str, text: str) -> None:
    kind = find_personal(text)
    if kind:
        raise PersonalDataInClear(
            {
                name: f"不得包含明文个人信息（{kind}）/ must not hold a {kind} in clear: "
                "personal data goes in personal={…} with person=…, stored encrypted"
            },
            code="personal_data_in_clear",
        )


def _append(row: dict[str, Any], db: BaseDatabaseWrapper) -> None:
    """Link the row into its shard's chain under that shard's head lock only, and insert
    it (``row`` gains its shard, sequence, hashes and id).

    Two statements in the common case: the head moves by compare-and-set from the head
    this process last wrote (the UPDATE takes the row lock; if another writer moved the
    head meanwhile it matches nothing), then the row is inserted. Otherwise the head is
    read under its lock first. Either way the row links to the committed head."""
    own_shard = shard_for(row["subject_type"], row["subject_id"] or f"actor:{row['actor_id']}")
    row["shard"] = shard = _shard_of_transaction(db, own_shard)
    key = (db.alias, db.settings_dict["NAME"], shard)
    known = _HEADS.get(key)
    cursor = statement_cursor()
    if known is None or not _advance(cursor, row, known):
        if not _advance(cursor, row, _locked_head(shard)):
            raise AuditUsageError(f"shard {shard} head moved while locked")
    _HEADS[key] = (row["seq"], row["row_hash"])
    values = [row[name] for name in _INSERTED]
    values[_CREATED_AT] = db.ops.adapt_datetimefield_value(row["created_at"])
    cursor.execute(_INSERT_ROW, values)
    row["id"] = cursor.fetchone()[0]


def _advance(
    cursor: CursorWrapper | NativeCursor, row: dict[str, Any], head: tuple[int, str]
) -> bool:
    """Make ``row`` the shard's next link if the head is still ``head``."""
    row["seq"], row["prev_hash"] = head[0] + 1, head[1]
    row["row_hash"] = row_hash_of(row)
    cursor.execute(_MOVE_HEAD, [row["seq"], row["row_hash"], row["shard"], *head])
    return bool(cursor.rowcount)


class _TransactionShard:
    """The shard every audit row of the current transaction goes to, kept as one of the
    transaction's on-commit callbacks (it does nothing when called).

    One shard per transaction, because a transaction holds each head it moved until it
    ends: two transactions auditing subjects on shards A and B in opposite orders (dispute
    intake: the dispute, then its matter) would each hold one head and wait for the
    other's, and PostgreSQL aborts one (a deadlock). With one shard per transaction a
    transaction holds one head lock, so audit writers never wait in a cycle.

    Django drops on-commit callbacks exactly when the work they belong to ends: commit,
    rollback, and rollback to a savepoint taken before the callback, which also releases
    the head lock the transaction took after it. So the choice never outlives its lock."""

    __slots__ = ("scope", "shard")

    def __init__(self, scope: str | None, shard: int) -> None:
        self.scope, self.shard = scope, shard

    def __call__(self) -> None:
        """Nothing to do on commit: the marker only lives as long as the transaction."""


def _shard_of_transaction(db: BaseDatabaseWrapper, own_shard: int) -> int:
    """The shard of the transaction's first audit row (``own_shard`` if this is it)."""
    scope = _application_transaction(db)
    if scope is False:
        return own_shard
    for pending in db.run_on_commit:
        callback = pending[1]  # (savepoint ids, callback, robust)
        if isinstance(callback, _TransactionShard) and callback.scope == scope:
            return callback.shard
    db.on_commit(_TransactionShard(scope, own_shard))
    return own_shard


def _application_transaction(db: BaseDatabaseWrapper) -> str | None | Literal[False]:
    """Names the outermost atomic block the application opened: None when it is the real
    transaction; inside a test case's wrapping blocks (which never commit), that block's
    savepoint id, unique per connection. False when only a test case's blocks are open:
    a test writing audit rows directly is no transaction of the application."""
    for depth, block in enumerate(db.atomic_blocks):
        if not getattr(block, "_from_testcase", False):  # set by Django's TestCase
            # savepoint_ids has no entry for the outermost block.
            return db.savepoint_ids[depth - 1] if depth else None
    return False


# The last head this process wrote per (database, shard): a guess the compare-and-set
# checks, never trusted (a rolled-back or concurrent write just makes it miss).
_HEADS: dict[tuple[str, object, int], tuple[int, str]] = {}
_INSERTED = tuple(f.attname for f in AuditEntry._meta.concrete_fields if not f.primary_key)
_CREATED_AT = _INSERTED.index("created_at")
# Plain SQL for the statements every audited change runs: the ORM's query building
# cost more than the database work (see bench/bench_audit.py and bench/bench_flow.py).
_INSERT_ROW = (
    f"INSERT INTO audit_auditentry ({', '.join(_INSERTED)}) "  # noqa: S608 (fixed names)
    f"VALUES ({', '.join(['%s'] * len(_INSERTED))}) RETURNING id"
)
_SELECT_HEAD = "SELECT seq, row_hash FROM audit_shardhead WHERE shard = %s"
_MOVE_HEAD = (
    "UPDATE audit_shardhead SET seq = %s, row_hash = %s "
    "WHERE shard = %s AND seq = %s AND row_hash = %s"
)


def _locked_head(shard: int) -> tuple[int, str]:
    """The shard's head, row-locked until the transaction ends (PostgreSQL); on SQLite
    the IMMEDIATE transaction already holds the database's single write lock."""
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(_SELECT_HEAD + lock, [shard])
        row = cursor.fetchone()
    if row is None:
        # A concurrent first writer may insert the same head: ignore_conflicts waits for
        # it (PostgreSQL) and the locking read below then sees its row.
        ShardHead.objects.bulk_create([ShardHead(shard=shard)], ignore_conflicts=True)
        return _locked_head(shard)
    return int(row[0]), str(row[1])


# --- old and new values -------------------------------------------------------------------


def model_snapshot(instance: models.Model) -> dict[str, Any]:
    """Concrete field values by attribute name (``unit_id`` for a foreign key).

    Encrypted and keyed-hash fields, and secrets such as password hashes, appear as
    ``[encrypted:<6 hex of the stored bytes>]``: a diff shows that they changed, never what
    they hold.
    """
    snapshot: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname)
        if getattr(field, "audit_redact", False) or field.name in SECRET_FIELD_NAMES:
            value = f"{REDACTED[:-1]}:{sha256_hex(value)[:6]}]" if value else value
        snapshot[field.attname] = value
    return snapshot


def model_diff(
    before: Mapping[str, Any] | None, after: models.Model | Mapping[str, Any] | None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(old, new)`` with only the keys whose values differ. Creation: ``before=None``;
    deletion: ``after=None``. Values are compared in their JSON form."""
    old_all = dict(before or {})
    if isinstance(after, models.Model):
        new_all = model_snapshot(after)
    else:
        new_all = dict(after or {})
    old: dict[str, Any] = {}
    new: dict[str, Any] = {}
    for key in sorted(set(old_all) | set(new_all)):
        was, now = old_all.get(key), new_all.get(key)
        if canonical_json(was) == canonical_json(now) and (key in old_all) == (key in new_all):
            continue
        if key in old_all:
            old[key] = was
        if key in new_all:
            new[key] = now
    return old, new
