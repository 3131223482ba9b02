"""Pages of the role dashboards: /insight/dashboards/<courts|governance|commission>/."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from zhengfa.api import ProblemError
from zhengfa.insight.aggregates import legal_today
from zhengfa.insight.charts import HEIGHT, WIDTH, bars
from zhengfa.insight.dashboards import DASHBOARDS, Period, may_view, parse_period


@login_required
def dashboard(request: HttpRequest, key: str) -> HttpResponse:
    if key not in DASHBOARDS or not may_view(request.user, key):
        raise Http404("No such dashboard.")
    today = legal_today()
    since, until = request.GET.get("since"), request.GET.get("until")
    errors: list[dict[str, str]] = []
    try:
        period = parse_period(since, until, today)
    except ProblemError as error:
        errors, period = error.errors, Period.year_to_date(today)
    board = DASHBOARDS[key](request.user, period, today)
    charts = [(trend, bars(trend.points)) for trend in board.trends]
    context = {
        "board": board,
        "charts": charts,
        "chart_size": (WIDTH, HEIGHT),
        "errors": errors,
        "asked": {"since": since or period.since, "until": until or period.until},
    }
    return render(request, "insight/dashboard.html", context, status=422 if errors else 200)
