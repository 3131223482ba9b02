"""Signed checkpoints: an HMAC over every shard's head, chained checkpoint to checkpoint.

Whoever can write the database can rewrite a whole shard and recompute every hash; they
cannot forge a checkpoint without ``ZHENGFA_AUDIT_KEY``, which the database never holds.
A checkpoint therefore pins each shard's chain up to the head it signed.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from zhengfa.audit.canonical import canonical_json, utc_iso
from zhengfa.audit.models import GENESIS_HASH, Checkpoint, ShardHead
from zhengfa.pii.keyfiles import configured_or_dev, decode_key, random_key_b64


def audit_key() -> bytes:
    raw = configured_or_dev("ZHENGFA_AUDIT_KEY", settings.ZHENGFA_AUDIT_KEY, random_key_b64())
    return _decode(raw)


@lru_cache(maxsize=8)
def _decode(raw: str) -> bytes:
    return decode_key("ZHENGFA_AUDIT_KEY", raw)


def key_fingerprint(key: bytes) -> str:
    """Names the key a checkpoint was signed with, without revealing it."""
    return hashlib.sha256(b"zhengfa-audit-key\x00" + key).hexdigest()[:16]


def signed_message(checkpoint: Checkpoint) -> str:
    return canonical_json(
        {
            "number": checkpoint.number,
            "created_at": utc_iso(checkpoint.created_at),
            "heads": checkpoint.heads_json,
            "prev_signature": checkpoint.prev_signature,
            "key_fingerprint": checkpoint.key_fingerprint,
        }
    )


def signature_for(checkpoint: Checkpoint, key: bytes) -> str:
    return hmac.new(key, signed_message(checkpoint).encode(), hashlib.sha256).hexdigest()


def checkpoint_write() -> Checkpoint:
    """Sign every shard's current head. Safe to run from a timer; heads are committed
    values, so a checkpoint states "at least these rows existed" at its time."""
    key = audit_key()
    with transaction.atomic():
        last = Checkpoint.objects.select_for_update().order_by("-number").first()
        heads = {
            str(shard): [seq, row_hash]
            for shard, seq, row_hash in ShardHead.objects.order_by("shard").values_list(
                "shard", "seq", "row_hash"
            )
        }
        checkpoint = Checkpoint(
            number=(last.number + 1) if last else 1,
            created_at=timezone.now(),
            heads_json=canonical_json(heads),
            prev_signature=last.signature if last else GENESIS_HASH,
            key_fingerprint=key_fingerprint(key),
        )
        checkpoint.signature = signature_for(checkpoint, key)
        checkpoint.save()
    return checkpoint
