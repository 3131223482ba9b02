"""Enterprise-related cases (涉企): internal targets, shorter than the law's limits, for
filing, assignment, hearing, service and transfer, configurable per court. Each target runs
on a flow clock of its own (a period set by the court, purpose ``target:<step>``), so the
board, the warnings and the sweeper treat it like any other limit."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction

from zhengfa.courts.models import CourtSettings
from zhengfa.courts.procedures import ENTERPRISE_TARGETS
from zhengfa.courts.workflow.common import audit, require_role
from zhengfa.flow.common import invalid
from zhengfa.flow.models import Clock, ClockState, Matter
from zhengfa.flow.services.clockops import clock_start, clock_stop
from zhengfa.org.models import Unit
from zhengfa.org.roles import Role

BASIS = "本院涉企案件内部目标（非法定期限）internal target of the court for enterprise cases"


def targets_of(court: Unit) -> dict[str, int]:
    found = CourtSettings.objects.filter(court=court).first()
    return {**ENTERPRISE_TARGETS, **(found.enterprise_targets if found else {})}


def court_targets_set(*, actor: Any, court: Unit, targets: dict[str, int]) -> CourtSettings:
    """The court president sets the court's internal targets (days, 1–90 each)."""
    require_role(actor, (Role.COURT_PRESIDENT, Role.PLATFORM_ADMIN), "enterprise targets")
    if actor.role == Role.COURT_PRESIDENT and actor.unit_id != court.pk:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("only this court's president sets its targets")
    for step, days in targets.items():
        if step not in ENTERPRISE_TARGETS:
            raise invalid(f"targets.{step}", f"accepted steps: {', '.join(ENTERPRISE_TARGETS)}")
        if not isinstance(days, int) or not 1 <= days <= 90:
            raise invalid(f"targets.{step}", "a whole number of days from 1 to 90")
    with transaction.atomic():
        settings, _ = CourtSettings.objects.get_or_create(court=court)
        old = dict(settings.enterprise_targets)
        settings.enterprise_targets = {**old, **targets}
        settings.save()
        audit(
            actor=actor,
            action="targets.set",
            subject=settings,
            old=old,
            new=settings.enterprise_targets,
        )
    return settings


def target_start(*, actor: Any, matter: Matter, court: Unit, step: str, on: date) -> Clock:
    days = targets_of(court)[step]
    return clock_start(
        actor=actor,
        matter=matter,
        purpose=f"target:{step}",
        label=f"涉企目标 enterprise target: {step} ({days}d)",
        period=(days, "days"),
        on=on,
        legal_basis=BASIS,
    )


def target_stop(*, actor: Any, matter: Matter, step: str, on: date) -> None:
    running = Clock.objects.filter(matter=matter, purpose=f"target:{step}").exclude(
        state=ClockState.STOPPED
    )
    for clock in running:
        clock_stop(actor=actor, clock=clock, on=max(on, clock.started_on), reason=f"{step} done")
