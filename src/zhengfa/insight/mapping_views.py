"""Pages of the one map (一张图): the map itself and the matters behind one area."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext

from zhengfa.api import ProblemError
from zhengfa.flow.common import now
from zhengfa.flow.selectors import urgency
from zhengfa.insight.mapping import (
    LIST_LIMIT,
    Level,
    Measure,
    area_matters,
    mapped_kinds,
    parse_map_query,
)


def measure_labels() -> dict[str, str]:
    return {
        Measure.OPEN: gettext("Open matters"),
        Measure.OVERDUE: gettext("Overdue matters"),
        Measure.HAZARDS_OPEN: gettext("Open hazards"),
        Measure.DISPUTES_PER_1000: gettext("Disputes per 1,000 residents"),
        Measure.TREND_ALERTS: gettext("Trend alerts (kinds rising this week)"),
    }


def level_labels() -> dict[str, str]:
    return {
        Level.GRID: gettext("Grid"),
        Level.TOWNSHIP: gettext("Township/street"),
        Level.COUNTY: gettext("County/district"),
    }


def _map_text() -> dict[str, str]:
    """Words the script shows, translated here so the script stays language-free."""
    return {
        "loaded": gettext("%(areas)s areas with a value; %(grids)s grids in your scope"),
        "empty": gettext("No grids are in your scope."),
        "failed": gettext("The map data could not be loaded: %(reason)s"),
        "zero": gettext("none"),
        "matters": gettext("Open matters"),
        "hazards": gettext("Hazards"),
        "service": gettext("Service points"),
        "open_list": gettext("List the matters"),
        "population": gettext("Population"),
        "week": gettext("Week tested: %(week)s"),
    }


@login_required
def one_map(request: HttpRequest) -> HttpResponse:
    urls = {
        "outlines": reverse("api-v1:outlines"),
        "measures": reverse("api-v1:measures"),
        "service": reverse("api-v1:service_point_list"),
        "hazards": reverse("api-v1:hazard_map"),
        "area": reverse("insight:map_area", args=["AREA"]),
    }
    context: dict[str, Any] = {
        "measures": measure_labels(),
        "levels": level_labels(),
        "kinds": mapped_kinds(),
        "chosen": {
            "measure": request.GET.get("measure", Measure.OVERDUE),
            "level": request.GET.get("level", Level.GRID),
        },
        "urls": urls,
        "map_text": _map_text(),
    }
    return render(request, "insight/map.html", context)


@login_required
def area_matter_list(request: HttpRequest, area: str) -> HttpResponse:
    """The matters behind one area's value on the map, only those in the viewer's scope."""
    try:
        query = parse_map_query(
            measure=request.GET.get("measure", Measure.OPEN),
            level=request.GET.get("level", Level.GRID),
            kind=request.GET.get("kind") or None,
            since=request.GET.get("since") or None,
            until=request.GET.get("until") or None,
        )
    except ProblemError as error:
        problems = {"errors": error.errors, "area": area}
        return render(request, "insight/map_area.html", problems, status=422)
    at = now()
    matters = area_matters(request.user, area, query, at)
    rows = [(m, urgency(m, at)) for m in matters[:LIST_LIMIT]]
    context: dict[str, Any] = {
        "area": area,
        "query": query,
        "measure_label": measure_labels()[query.measure],
        "level_label": level_labels()[query.level],
        "rows": rows,
        "total": matters.count() if len(rows) == LIST_LIMIT else len(rows),
        "limit": LIST_LIMIT,
    }
    return render(request, "insight/map_area.html", context)
