"""Joint analysis and task lists (联合研判、清单交办).

A governance centre convenes departments on one or more disputes, records the decision and
issues tasks — each to one unit, with a deadline (the flow ``task`` matter's clock) and a
written reply required. Only the unit a task was sent to may reply; the centre accepts the
reply (the task closes) or sends it back (the task runs again).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from zhengfa.disputes.models import AnalysisTask, Dispute, JointAnalysis, TaskReply
from zhengfa.disputes.organisations import handler_of
from zhengfa.disputes.services.common import record, require_role
from zhengfa.flow.common import invalid, legal_day, now
from zhengfa.flow.machine import TASK
from zhengfa.flow.models import MatterStatus
from zhengfa.flow.services.matters import matter_move, matter_open
from zhengfa.org.models import Unit, UnitKind
from zhengfa.org.roles import Role

CONVENERS = (Role.CENTRE_OPERATOR, Role.COMMISSION)
MAX_TASK_DAYS = 90


@dataclass(frozen=True)
class TaskInput:
    unit_code: str
    instruction: str
    days: int


def analysis_convene(
    *,
    actor: Any,
    topic: str,
    decision: str,
    department_codes: Sequence[str],
    dispute_ids: Sequence[int] = (),
    tasks: Sequence[TaskInput] = (),
    held_on: date | None = None,
) -> JointAnalysis:
    """Record a joint analysis and issue its task list (one flow task per unit)."""
    require_role(actor, CONVENERS, "convene a joint analysis")
    centre = _centre_of(actor)
    if not topic.strip() or not decision.strip():
        raise invalid("decision" if topic.strip() else "topic", "required")
    departments = _units(department_codes, "departments", centre)
    disputes = _disputes(actor, dispute_ids)
    task_units = _units([t.unit_code for t in tasks], "tasks", centre)
    for index, task in enumerate(tasks):
        _check_task(index, task)
    with transaction.atomic():
        analysis = JointAnalysis.objects.create(
            centre=centre,
            region_id=centre.region_id,
            convened_by=actor,
            held_on=held_on or legal_day(),
            topic=topic.strip()[:200],
            decision=decision.strip(),
            created_at=now(),
        )
        analysis.departments.set(departments)
        analysis.disputes.set(disputes)
        for task, unit in zip(tasks, task_units, strict=True):
            _issue(actor, analysis, unit, task)
        record(
            actor=actor,
            action="analysis_convene",
            subject=analysis,
            new={
                "departments": [u.pk for u in departments],
                "disputes": [d.pk for d in disputes],
                "tasks": len(tasks),
            },
        )
    return analysis


def _centre_of(actor: Any) -> Unit:
    unit = actor.unit
    if unit is None or unit.kind not in (UnitKind.GOVERNANCE_CENTRE, UnitKind.COMMISSION):
        raise PermissionDenied("a joint analysis is convened by a governance centre or commission")
    return unit


def _units(codes: Sequence[str], field: str, centre: Unit) -> list[Unit]:
    """The units named, each inside the centre's region or above it (a centre convenes
    its own place's departments and those of the levels above, not a neighbour's)."""
    found = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    for index, code in enumerate(codes):
        unit = found.get(code)
        if unit is None:
            raise invalid(f"{field}[{index}]", f"unknown unit {code!r}; accepted: a unit code")
        if not (
            unit.region_id.startswith(centre.region_id)
            or centre.region_id.startswith(unit.region_id)
        ):
            raise invalid(
                f"{field}[{index}]",
                f"{unit} is outside {centre}'s region; accepted: a unit of {centre.region_id} "
                "or of a level above it",
            )
    return [found[c] for c in codes]


def _disputes(actor: Any, ids: Sequence[int]) -> list[Dispute]:
    found = list(Dispute.objects.for_user(actor).filter(pk__in=ids))
    missing = set(ids) - {d.pk for d in found}
    if missing:
        raise invalid("disputes", f"no dispute {sorted(missing)} in your jurisdiction")
    return found


def _check_task(index: int, task: TaskInput) -> None:
    if not task.instruction.strip():
        raise invalid(f"tasks[{index}].instruction", "say what the unit must do")
    if not 1 <= task.days <= MAX_TASK_DAYS:
        raise invalid(f"tasks[{index}].days", f"a deadline of 1 to {MAX_TASK_DAYS} days")


def _issue(actor: Any, analysis: JointAnalysis, unit: Unit, task: TaskInput) -> AnalysisTask:
    matter = matter_open(
        actor=actor,
        kind=TASK.code,
        title=f"{analysis.topic}: {task.instruction}"[:200],
        region_code=analysis.region_id,
        unit=unit,
        owner=handler_of(unit),
        deadline=(task.days, "days"),
        participants=[actor],
    )
    return AnalysisTask.objects.create(
        matter=matter, analysis=analysis, instruction=task.instruction.strip()
    )


def task_reply(*, actor: Any, task: AnalysisTask, text: str) -> TaskReply:
    """The written reply of the unit the task was sent to; from any other unit: refused."""
    matter = task.matter
    if actor.unit_id is None or actor.unit_id != matter.unit_id:
        raise PermissionDenied(
            f"this task was sent to {matter.unit}; a reply from another unit is refused"
        )
    if not text.strip():
        raise invalid("text", "a written reply is required")
    if matter.status == MatterStatus.CLOSED or matter.stage != "assigned":
        raise invalid("stage", "the task is not awaiting a reply")
    with transaction.atomic():
        reply = TaskReply.objects.create(
            task=task, unit_id=actor.unit_id, author=actor, text=text.strip(), at=now()
        )
        matter_move(actor=actor, matter=matter, to_stage="replied", version=matter.version)
        record(actor=actor, action="task_reply", subject=task, new={"reply": reply.pk})
    return reply


def task_review(*, actor: Any, task: AnalysisTask, accept: bool, note: str = "") -> TaskReply:
    """The centre accepts the latest reply (the task closes) or sends it back."""
    require_role(actor, CONVENERS, "review a task reply")
    matter = task.matter
    reply = task.replies.order_by("-at", "-pk").first()
    if reply is None or matter.stage != "replied":
        raise invalid("stage", "no reply awaits review")
    if not accept and not note.strip():
        raise invalid("note", "say what is missing when sending a reply back")
    with transaction.atomic():
        reply.accepted, reply.review_note = accept, note.strip()
        reply.save(update_fields=["accepted", "review_note"])
        stage = "closed" if accept else "assigned"
        matter_move(actor=actor, matter=matter, to_stage=stage, version=matter.version, note=note)
        record(
            actor=actor, action="task_review", subject=task, new={"accepted": accept}, reason=note
        )
    return reply
