"""/api/v1/insight/dashboards/{key}: a role dashboard's figures, tables and weekly trends."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from zhengfa.api import ProblemError
from zhengfa.insight.aggregates import legal_today
from zhengfa.insight.dashboards import DASHBOARDS, may_view, parse_period

router = Router(tags=["insight"])


class FigureOut(Schema):
    key: str
    label: str
    value: float | None
    shown: str
    formula: str
    numerator: int
    denominator: int | None
    style: str


class TableOut(Schema):
    title: str
    columns: list[str]
    rows: list[list[Any]]


class TrendOut(Schema):
    title: str
    points: list[tuple[str, int]]


class DashboardOut(Schema):
    key: str
    title: str
    since: str
    until: str
    today: str
    figures: list[FigureOut]
    tables: list[TableOut]
    trends: list[TrendOut]


@router.get(
    "/{key}",
    response=DashboardOut,
    summary="A role dashboard (courts, governance or commission) over the caller's area",
    description=(
        "`since`/`until`: legal dates YYYY-MM-DD, inclusive (default: the year to date). "
        "Rates are fractions with the formula and the numbers behind them. Roles without "
        "the dashboard get the same 404 as an unknown one."
    ),
)
def dashboard(
    request: HttpRequest, key: str, since: str | None = None, until: str | None = None
) -> dict[str, Any]:
    user = request.auth  # type: ignore[attr-defined]
    if key not in DASHBOARDS or not may_view(user, key):
        raise ProblemError(404, "Not found", "No such dashboard.", slug="not-found")
    today = legal_today()
    board = DASHBOARDS[key](user, parse_period(since, until, today), today)
    figures = [{**asdict(f), "shown": f.shown, "value": f.value} for f in board.figures]
    return {
        "key": board.key,
        "title": board.title,
        "since": board.period.since.isoformat(),
        "until": board.period.until.isoformat(),
        "today": board.today.isoformat(),
        "figures": figures,
        "tables": [asdict(t) for t in board.tables],
        "trends": [asdict(t) for t in board.trends],
    }
