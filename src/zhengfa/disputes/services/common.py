"""Helpers shared by the disputes services: the audit row (``disputes.<action>``, in the
caller's transaction), refusals by role."""

from __future__ import annotations

from functools import partial

from zhengfa.flow.domain_services import app_audit, require_role

record = partial(app_audit, "disputes")

__all__ = ["record", "require_role"]
