"""Rectification (整改) with its evidence, then verification (核查) by someone else:
passed closes the hazard (销号); failed re-opens it on a fresh rectification clock."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction

from zhengfa.flow.common import invalid, now
from zhengfa.flow.photos import PhotoInput, files_removed_on_failure, photos_check
from zhengfa.flow.services.clockops import clock_start
from zhengfa.flow.services.matters import matter_move
from zhengfa.hazards.flows import (
    CLOSED,
    RECTIFIERS,
    RECTIFY_CLOCK,
    RECTIFYING,
    VERIFIERS,
    VERIFYING,
)
from zhengfa.hazards.limits import rectification_deadline
from zhengfa.hazards.models import Hazard, PhotoPurpose, Rectification, Verification
from zhengfa.hazards.photos import photo_store
from zhengfa.hazards.services.common import record, require_role


def hazard_rectify(
    *,
    actor: Any,
    hazard: Hazard,
    version: int,
    measures: str,
    photos: Sequence[PhotoInput],
) -> Rectification:
    """Record what was done, with at least one photo as evidence; the hazard then awaits
    verification and its rectification clock stops."""
    require_role(actor, RECTIFIERS, "record a rectification")
    _check_stage(hazard, RECTIFYING)
    if not measures.strip() or len(measures) > 2000:
        raise invalid("measures", "the measures taken are required (1–2000 characters)")
    if not photos:
        raise invalid("photos", "at least one photo of the rectified site is required as evidence")
    checked = photos_check(list(photos))
    with files_removed_on_failure() as stored, transaction.atomic():
        matter_move(actor=actor, matter=hazard.matter, to_stage=VERIFYING, version=version)
        done = Rectification.objects.create(
            hazard=hazard, by=actor, at=now(), measures=measures.strip()
        )
        for photo in checked:
            photo_store(
                actor=actor,
                hazard=hazard,
                photo=photo,
                purpose=PhotoPurpose.EVIDENCE,
                stored=stored,
                rectification=done,
            )
        record(
            actor=actor,
            action="hazard.rectify",
            subject=hazard,
            new={"rectification": done.pk, "photos": len(checked)},
        )
    return done


def hazard_verify(
    *, actor: Any, hazard: Hazard, version: int, passed: bool, note: str = ""
) -> Verification:
    """Verify the latest rectification. The rectifier may not verify their own work."""
    require_role(actor, VERIFIERS, "verify a rectification")
    _check_stage(hazard, VERIFYING)
    latest = hazard.rectifications.order_by("-at", "-pk").first()
    if latest is None:
        raise invalid("stage", "there is no rectification to verify")
    if latest.by_id == actor.pk:
        raise invalid(
            "verifier",
            "you recorded this rectification; accepted: verification by someone else",
        )
    if not passed and not note.strip():
        raise invalid("note", "say what is still wrong when a rectification fails")
    with transaction.atomic():
        matter = hazard.matter
        matter_move(
            actor=actor, matter=matter, to_stage=CLOSED if passed else RECTIFYING, version=version
        )
        checked = Verification.objects.create(
            hazard=hazard, rectification=latest, by=actor, at=now(), passed=passed, note=note
        )
        if not passed:
            _restart_clock(actor, hazard)
        record(
            actor=actor,
            action="hazard.verify",
            subject=hazard,
            new={"passed": passed, "rectification": latest.pk},
            reason=note,
        )
    return checked


def _restart_clock(actor: Any, hazard: Hazard) -> None:
    started = now()
    deadline = rectification_deadline(hazard.severity, started)
    clock_start(
        actor=actor,
        matter=hazard.matter,
        purpose=RECTIFY_CLOCK,
        label=f"{deadline.label} (复查不合格 re-opened)",
        period=deadline.period,
        at=started,
        legal_basis=deadline.legal_basis,
    )


def _check_stage(hazard: Hazard, stage: str) -> None:
    current = hazard.matter.stage
    if current != stage:
        raise invalid("stage", f"the hazard is {current!r}; accepted only when {stage!r}")
