"""Which shard a subject's rows go to, and what a row's hash covers."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.conf import settings

from zhengfa.audit.canonical import canonical_json, sha256_hex, utc_iso

if TYPE_CHECKING:
    from zhengfa.audit.models import AuditEntry

HASH_VERSION = 1
DEFAULT_SHARDS = 16
# The fields a row hash covers, in the order of the model. Adding one is a new HASH_VERSION.
HASHED_FIELDS = (
    "shard",
    "seq",
    "actor_id",
    "actor_label",
    "actor_role",
    "action",
    "subject_type",
    "subject_id",
    "subject_label",
    "old_json",
    "new_json",
    "reason",
    "person_ref",
    "personal",
    "prev_hash",
)


def shard_count() -> int:
    count = int(getattr(settings, "ZHENGFA_AUDIT_SHARDS", DEFAULT_SHARDS))
    if count < 1:
        raise ValueError(f"ZHENGFA_AUDIT_SHARDS={count}: expected a whole number of at least 1")
    return count


def shard_for(subject_type: str, subject_id: str, shards: int | None = None) -> int:
    """A stable shard for a subject: all rows about one subject share one chain."""
    return _shard_for(subject_type, subject_id, shards or shard_count())


@lru_cache(maxsize=4096)  # a subject's changes come in runs (a matter's steps)
def _shard_for(subject_type: str, subject_id: str, shards: int) -> int:
    digest = hashlib.sha256(f"{subject_type}\x00{subject_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % shards


def row_hash_of(values: Mapping[str, Any]) -> str:
    """SHA-256 of the canonical JSON of a row's hashed fields (``HASHED_FIELDS`` and
    ``created_at``), as stored: the verifier recomputes it from the database values."""
    payload: dict[str, Any] = {name: values[name] for name in HASHED_FIELDS}
    payload["created_at"] = utc_iso(values["created_at"])
    payload["v"] = HASH_VERSION
    return sha256_hex(canonical_json(payload))


def row_hash(entry: AuditEntry) -> str:
    return row_hash_of({name: getattr(entry, name) for name in (*HASHED_FIELDS, "created_at")})
