"""API tokens: created once, stored as a hash, looked up by hash."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction

from zhengfa.audit.services import audit_record
from zhengfa.org.models import ApiToken, User


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def token_create(*, user: User, label: str = "") -> str:
    """Make a token for ``user`` and return its key; only the hash is kept."""
    key = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, key_hash=_hash(key), label=label)
    return key


@transaction.atomic
def token_issue(*, actor: User | None, user: User, label: str = "") -> str:
    """A new token for ``user``, audited like a login; the key never reaches the log."""
    key = token_create(user=user, label=label)
    audit_record(actor=actor, action="org.token_issue", subject=user, new={"label": label})
    return key


def user_for_token(key: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user", "user__unit")
        .filter(key_hash=_hash(key), user__is_active=True)
        .first()
    )
    return token.user if token else None
