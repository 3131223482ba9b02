"""/api/v1/insight/alerts: trend alerts in the caller's scope, one alert with its series,
and an alert turned into a task list. Reads go through ``for_user`` (an alert outside the
scope answers 404 like a missing one); the write is a service."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from zhengfa.api import api_user
from zhengfa.disputes.services.analysis import TaskInput
from zhengfa.flow.common import invalid
from zhengfa.insight.alerts import selectors, services
from zhengfa.insight.alerts.models import TrendAlert
from zhengfa.insight.alerts.selectors import AlertFilters
from zhengfa.insight.weeks import WeekFormatError, parse_week

router = Router(tags=["insight"])


class AlertFilterIn(Schema):
    week: str = ""
    category: str = ""
    level: str = ""
    area: str = ""


class AlertOut(Schema):
    id: int
    week: str
    category: str
    area_level: str
    area_code: str
    area_name: str
    count: int
    expected: float
    upper: int
    p_value: float
    score: float
    reason: str
    reason_en: str


class AlertDetailOut(AlertOut):
    baseline: dict[str, Any]
    history: dict[str, Any]
    task_lists: list[int]


def _out(alert: TrendAlert) -> dict[str, Any]:
    return {
        "id": alert.pk,
        "week": alert.week_label,
        "category": alert.category,
        "area_level": alert.area_level,
        "area_code": alert.area_code,
        "area_name": alert.area_name,
        "count": alert.count,
        "expected": alert.expected,
        "upper": alert.upper,
        "p_value": alert.p_value,
        "score": alert.score,
        "reason": alert.reason_zh,
        "reason_en": alert.reason_en,
    }


def _week(text: str) -> date | None:
    if not text.strip():
        return None
    try:
        return parse_week(text)
    except WeekFormatError as error:
        raise invalid("week", str(error)) from None


@router.get("", response=list[AlertOut])
def alert_list(request: HttpRequest, filters: Query[AlertFilterIn]) -> list[dict[str, Any]]:
    chosen = AlertFilters(
        week=_week(filters.week),
        category=filters.category,
        level=filters.level,
        area=filters.area,
    )
    return [_out(a) for a in selectors.alerts_for(api_user(request), chosen)]


@router.get("/{alert_id}", response=AlertDetailOut)
def alert_detail(request: HttpRequest, alert_id: int) -> dict[str, Any]:
    alert = selectors.alert_for(api_user(request), alert_id)
    lists = list(alert.task_lists.values_list("analysis_id", flat=True))
    return {
        **_out(alert),
        "baseline": alert.baseline,
        "history": alert.history,
        "task_lists": lists,
    }


class TaskIn(Schema):
    unit_code: str
    days: int
    instruction: str


class TasksIn(Schema):
    decision: str
    tasks: list[TaskIn]


class TaskListOut(Schema):
    analysis: int
    tasks: list[int]


@router.post("/{alert_id}/tasks", response={201: TaskListOut})
def alert_tasks(request: HttpRequest, alert_id: int, payload: TasksIn) -> Status[TaskListOut]:
    alert = selectors.alert_for(api_user(request), alert_id)
    link = services.alert_tasks_issue(
        actor=api_user(request),
        alert=alert,
        decision=payload.decision,
        tasks=[TaskInput(**t.model_dump()) for t in payload.tasks],
    )
    tasks = list(link.analysis.tasks.values_list("pk", flat=True))
    return Status(201, TaskListOut(analysis=link.analysis_id, tasks=tasks))
