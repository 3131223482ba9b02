"""/api/v1/insight/confluence/: areas where risks rise together; recurring enterprises."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.http import HttpRequest
from ninja import Router

from zhengfa.api import ProblemError
from zhengfa.flow.common import now
from zhengfa.insight.confluence import area_confluence, enterprise_recurrence
from zhengfa.insight.mapping import Level

router = Router(tags=["insight"])


def checked_level(value: str) -> Level:
    try:
        return Level(value)
    except ValueError:
        accepted = ", ".join(level.value for level in Level)
        errors = [{"field": "level", "message": f"Unknown level {value!r}; accepted: {accepted}."}]
        raise ProblemError(422, "Invalid input", "Some fields are not valid.", errors) from None


@router.get(
    "/areas",
    response=dict[str, Any],
    summary="Areas where two or more kinds of risk rise in the same week (Fisher, BH 5%)",
)
def confluence_areas(request: HttpRequest, level: str = "township") -> dict[str, Any]:
    week, found = area_confluence(request.auth, checked_level(level), now())  # type: ignore[attr-defined]
    return {"week": week, "level": level, "areas": [asdict(row) for row in found]}


@router.get(
    "/enterprises",
    response=dict[str, Any],
    summary="Organisations recurring across court cases: counts per keyed pseudonym and county",
)
def confluence_enterprises(request: HttpRequest, min_cases: int = 2) -> dict[str, Any]:
    if min_cases < 1:
        errors = [{"field": "min_cases", "message": "Give a whole number of 1 or more."}]
        raise ProblemError(422, "Invalid input", "Some fields are not valid.", errors)
    rows = enterprise_recurrence(request.auth, min_cases)  # type: ignore[attr-defined]
    return {"min_cases": min_cases, "enterprises": [asdict(row) for row in rows]}
