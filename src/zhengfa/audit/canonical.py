"""Canonical JSON: one byte sequence per value, so a hash computed today verifies forever."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import UTC, date, datetime, time
from decimal import Decimal
from enum import Enum
from typing import Any

from django.db import models


def to_jsonable(value: Any) -> Any:
    """Dates, Decimals, UUIDs, enums and model instances as JSON values; others refused."""
    if isinstance(value, datetime):
        return utc_iso(value) if value.tzinfo else value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, models.Model):
        pk = value.pk if isinstance(value.pk, int | str | None) else to_jsonable(value.pk)
        return {"type": value._meta.label_lower, "id": pk, "label": str(value)}
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    raise TypeError(
        f"cannot store a {type(value).__name__} in the audit log: use str, int, float, bool, "
        "None, lists, dicts, date/datetime, Decimal, UUID, enums or model instances"
    )


# One encoder for every call: ``json.dumps`` with options builds a new one each time,
# which costs more than encoding an audit row's small documents.
_ENCODER = json.JSONEncoder(
    default=to_jsonable,
    sort_keys=True,
    separators=(",", ":"),
    ensure_ascii=False,
    allow_nan=False,
)


def canonical_json(value: Any) -> str:
    return _ENCODER.encode(value)


def utc_iso(moment: datetime) -> str:
    """An aware datetime as UTC with microseconds: ``2026-11-29T01:13:00.000000Z``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
