"""Abuse controls on anonymous submissions: rate limits per client and per phone.

Counters live in the database (one row per key and window), so every app server shares
them; each hit is its own short transaction, so a refused or failed submission still
counts. Limits come from the environment (docs/portal.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F

from zhengfa.env import env_int
from zhengfa.flow.common import now
from zhengfa.portal.models import Throttle

WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class Limits:
    per_client: int
    per_phone: int

    @classmethod
    def from_env(cls) -> Limits:
        return cls(
            per_client=env_int("ZHENGFA_PORTAL_LIMIT_CLIENT", 30),
            per_phone=env_int("ZHENGFA_PORTAL_LIMIT_PHONE", 10),
        )


class RateLimited(Exception):
    """Too many submissions from one client or for one phone in the current window."""

    def __init__(self, what: str, limit: int, retry_after: int) -> None:
        super().__init__(
            f"提交过于频繁 too many submissions for this {what}: at most {limit} per hour; "
            f"try again in {retry_after // 60 + 1} minutes"
        )
        self.what = what
        self.retry_after = retry_after


def _window(at: datetime) -> datetime:
    return at.replace(minute=0, second=0, microsecond=0)


def throttle_hit(key: str, *, limit: int, what: str) -> None:
    """Count one submission for ``key``; RateLimited once the window's limit is reached."""
    at = now()
    start = _window(at)
    with transaction.atomic():  # get_or_create retries the read if a racer created the row
        row, _ = Throttle.objects.get_or_create(key=key, window_start=start)
        counted = Throttle.objects.filter(pk=row.pk, count__lt=limit).update(count=F("count") + 1)
    if not counted:
        raise RateLimited(what, limit, int((start + WINDOW - at).total_seconds()))


def throttle_submission(*, client: str, phone_hash: str | None) -> None:
    """Both limits of one anonymous submission: its client address and its phone."""
    limits = Limits.from_env()
    throttle_hit(f"client:{client}", limit=limits.per_client, what="client")
    if phone_hash:
        throttle_hit(f"phone:{phone_hash[:32]}", limit=limits.per_phone, what="phone")


def throttle_purge(before: datetime) -> int:
    """Drop counters of windows that ended before ``before`` (run by the worker/cron)."""
    deleted, _ = Throttle.objects.filter(window_start__lt=before - WINDOW).delete()
    return deleted
