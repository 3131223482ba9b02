"""What the services of every domain app share: the audit row named after the app, and
the refusal by role. Each app binds its name once (``record = partial(app_audit,
"disputes")``), so its rows read ``disputes.<action>``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models

from zhengfa.audit.services import audit_record


def app_audit(
    app: str,
    *,
    actor: Any,
    action: str,
    subject: models.Model,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
    reason: str = "",
    personal: dict[str, str] | None = None,
) -> None:
    """One audit row ``<app>.<action>``, in the caller's transaction."""
    audit_record(
        actor=actor,
        action=f"{app}.{action}",
        subject=subject,
        old=old or {},
        new=new or {},
        reason=reason,
        personal=personal,
    )


def require_role(actor: Any, roles: Iterable[str], what: str) -> None:
    allowed = tuple(roles)
    if actor is None or not actor.is_authenticated or actor.role not in allowed:
        raise PermissionDenied(f"only {', '.join(allowed)} may {what}")
