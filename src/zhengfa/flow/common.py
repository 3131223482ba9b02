"""Small helpers every flow service uses: the time, the audit row, the errors."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from zhengfa.api import ProblemError
from zhengfa.clock.clock import SHANGHAI


def now() -> datetime:
    return timezone.now()


def legal_day(instant: datetime | None = None) -> date:
    """The legal date (Asia/Shanghai) of an instant, by default of now: Beijing time
    whatever zone the request activated."""
    return timezone.localdate(instant or now(), SHANGHAI)


def invalid(field: str, message: str) -> ValidationError:
    """Bad input, naming the field and what is accepted (422 in the API, exit 2 in the CLI)."""
    return ValidationError({field: message})


class Conflict(ProblemError):
    """Someone else changed the matter since the caller read it (optimistic locking)."""

    def __init__(self, expected: int, current: int) -> None:
        super().__init__(
            409,
            "Edit conflict",
            f"the matter is at version {current}, the edit was made on version {expected}; "
            "reload it and apply the change again",
            [{"field": "version", "message": f"stale: expected {current}"}],
            slug="conflict",
        )
        self.current = current


def audit(
    *,
    actor: Any,
    action: str,
    subject: models.Model | None = None,
    subject_type: str = "",
    subject_id: str = "",
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
    reason: str = "",
) -> None:
    """One audit row, in the caller's transaction (zhengfa.audit owns the format)."""
    from zhengfa.audit.services import audit_record

    audit_record(
        actor=actor,
        action=f"flow.{action}",
        subject=subject,
        subject_type=subject_type,
        subject_id=subject_id,
        old=old or {},
        new=new or {},
        reason=reason,
    )
