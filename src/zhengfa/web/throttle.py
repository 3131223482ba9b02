"""Login throttling and lockout, for the web sign-in and ``POST /api/v1/auth/token``.

Two counters per failed attempt, each in a window of ``window`` seconds:

* the (username, client address) pair: ``max_failures`` failures lock that pair for
  ``lockout`` seconds. The same username from another address is not locked, so an
  attacker cannot lock a colleague out of their own desk by guessing at their name;
* the client address alone: ``max_failures_per_ip`` failures lock every sign-in from it
  (one machine spraying many usernames).

A success clears the pair's counter, not the address's: an attacker holding one valid
account cannot wipe its address's count by signing in to it. Counters are rows updated
with conditional UPDATEs, so every web worker and process shares them. Each lockout is
audited once (``auth.login_locked``); the failures themselves are audited by
``zhengfa.audit.receivers`` through Django's ``user_login_failed`` signal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac

from zhengfa.audit.services import audit_record
from zhengfa.web.models import LoginThrottle

LOCKED_ACTION = "auth.login_locked"


@dataclass(frozen=True)
class Limits:
    max_failures: int
    max_failures_per_ip: int
    window: timedelta
    lockout: timedelta

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            max_failures=settings.ZHENGFA_LOGIN_MAX_FAILURES,
            max_failures_per_ip=settings.ZHENGFA_LOGIN_MAX_FAILURES_PER_IP,
            window=timedelta(seconds=settings.ZHENGFA_LOGIN_WINDOW),
            lockout=timedelta(seconds=settings.ZHENGFA_LOGIN_LOCKOUT),
        )


class LoginLocked(Exception):
    """Too many failed sign-ins; no password is checked until ``retry_after`` seconds pass."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed sign-ins; try again in {retry_after} s")
        self.retry_after = retry_after


def client_address(request: HttpRequest) -> str:
    """The caller's address: REMOTE_ADDR, or the header a trusted proxy overwrites."""
    header = settings.ZHENGFA_CLIENT_IP_META or "REMOTE_ADDR"
    return str(request.META.get(header) or request.META.get("REMOTE_ADDR") or "unknown")


def _key(*parts: str) -> str:
    return salted_hmac("zhengfa.web.throttle", "\x00".join(parts)).hexdigest()


def _keys(username: str, address: str) -> tuple[str, str]:
    return _key("pair", username.casefold(), address), _key("ip", address)


def login_gate(username: str, address: str, at: datetime | None = None) -> None:
    """Raise LoginLocked if the pair or the address is locked out now."""
    at = at or timezone.now()
    locked = LoginThrottle.objects.filter(key__in=_keys(username, address), locked_until__gt=at)
    until = locked.order_by("-locked_until").values_list("locked_until", flat=True).first()
    if until is not None:
        raise LoginLocked(int((until - at).total_seconds()) + 1)


def login_failed(username: str, address: str, at: datetime | None = None) -> None:
    """Count one failure for the pair and the address; lock whichever reached its limit."""
    at = at or timezone.now()
    limits = Limits.from_settings()
    pair, ip = _keys(username, address)
    with transaction.atomic():
        for key, limit in ((pair, limits.max_failures), (ip, limits.max_failures_per_ip)):
            if _count_failure(key, limit, limits, at):
                _audit_lockout(username, key == pair, limits.lockout)


def login_succeeded(username: str, address: str) -> None:
    pair, _ = _keys(username, address)
    LoginThrottle.objects.filter(key=pair).delete()


def _count_failure(key: str, limit: int, limits: Limits, at: datetime) -> bool:
    """One more failure for ``key``; True when this one starts a lockout."""
    row, _ = LoginThrottle.objects.get_or_create(key=key, defaults={"window_start": at})
    rows = LoginThrottle.objects.filter(pk=row.pk)
    rows.filter(window_start__lte=at - limits.window).update(failures=0, window_start=at)
    rows.update(failures=F("failures") + 1)
    locks = rows.filter(failures__gte=limit).exclude(locked_until__gt=at)
    return locks.update(locked_until=at + limits.lockout, failures=0, window_start=at) > 0


def _audit_lockout(username: str, pair: bool, lockout: timedelta) -> None:
    audit_record(
        actor=None,
        action=LOCKED_ACTION,
        subject_type="org.user",
        subject_id="pair" if pair else "address",
        new={
            "scope": "username+address" if pair else "address",
            "seconds": int(lockout.total_seconds()),
        },
        personal={"username": username},
    )
