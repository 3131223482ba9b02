"""Helpers shared by the police services: the audit row, refusals by role."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models

from zhengfa.audit.services import audit_record


def record(
    *,
    actor: Any,
    action: str,
    subject: models.Model,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
    reason: str = "",
) -> None:
    """One audit row ``police.<action>``, in the caller's transaction."""
    audit_record(
        actor=actor,
        action=f"police.{action}",
        subject=subject,
        old=old or {},
        new=new or {},
        reason=reason,
    )


def require_role(actor: Any, roles: Iterable[str], what: str) -> None:
    allowed = tuple(roles)
    if actor is None or not actor.is_authenticated or actor.role not in allowed:
        raise PermissionDenied(f"only {', '.join(allowed)} may {what}")
