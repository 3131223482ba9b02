"""Logins, logouts and failed logins, from Django's auth signals (the one framework event
we audit through signals: the login views are Django's own)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest

from zhengfa.audit.actions import AuditAction
from zhengfa.audit.services import audit_record


def _client(request: HttpRequest | None) -> dict[str, str]:
    """The client address and agent: personal data, so sealed, never in clear."""
    if request is None:
        return {}
    return {
        "ip": str(request.META.get("REMOTE_ADDR", "")),
        "user_agent": str(request.META.get("HTTP_USER_AGENT", ""))[:200],
    }


@receiver(user_logged_in, dispatch_uid="zhengfa.audit.login")
def audit_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    with transaction.atomic():
        audit_record(actor=user, action=AuditAction.LOGIN, subject=user, personal=_client(request))


@receiver(user_logged_out, dispatch_uid="zhengfa.audit.logout")
def audit_logout(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is None:
        return
    with transaction.atomic():
        audit_record(actor=user, action=AuditAction.LOGOUT, subject=user)


@receiver(user_login_failed, dispatch_uid="zhengfa.audit.login_failed")
def audit_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Django has already replaced the password with asterisks in ``credentials``.
    username = str(credentials.get("username", ""))
    target = get_user_model().objects.filter(username=username).first() if username else None
    with transaction.atomic():
        audit_record(
            actor=None,
            action=AuditAction.LOGIN_FAILED,
            subject=target,
            subject_type="org.user",
            subject_id="" if target else "unknown",
            personal={"username": username, **_client(request)},
        )
