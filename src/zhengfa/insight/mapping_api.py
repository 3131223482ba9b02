"""/api/v1/insight/map/: the one map's data — outlines once, a small measure per request."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.views.decorators.gzip import gzip_page
from ninja import Router, Schema

from zhengfa.flow.common import now
from zhengfa.insight.mapping import area_measures, parse_map_query
from zhengfa.insight.mapping_layers import outline_collection, service_points

router = Router(tags=["insight"])

GEOJSON = "application/geo+json"


class MeasuresOut(Schema):
    measure: str
    level: str
    kind: str | None
    since: str | None
    until: str | None
    week: str | None
    values: dict[str, float]
    breaks: list[float]


@router.get(
    "/measures",
    response=MeasuresOut,
    summary="One measure per area in scope: {area code: value} and quantile class breaks",
    description=(
        "`measure`: open, overdue, hazards_open, disputes_per_1000 or trend_alerts; "
        "`level`: grid, township or county; `kind` filters by kind of matter; `since` and "
        "`until` (YYYY-MM-DD, legal dates) filter by the day a matter was opened. "
        "Areas with nothing are left out."
    ),
)
def measures(
    request: HttpRequest,
    measure: str,
    level: str = "grid",
    kind: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> dict[str, Any]:
    query = parse_map_query(measure=measure, level=level, kind=kind, since=since, until=until)
    return area_measures(request.auth, query, now()).as_dict()  # type: ignore[attr-defined]


@router.get(
    "/outlines",
    response=dict[str, Any],
    summary="Simplified grid outlines in scope (GeoJSON), cacheable with its ETag",
    openapi_extra={"x-media-type": GEOJSON},
)
@gzip_page
def outlines(request: HttpRequest) -> HttpResponse:
    body, etag = outline_collection(request.auth)  # type: ignore[attr-defined]
    quoted = f'"{etag}"'
    if request.headers.get("If-None-Match") == quoted:
        return HttpResponseNotModified()
    response = HttpResponse(body, content_type=GEOJSON)
    response["ETag"] = quoted
    response["Cache-Control"] = "private, max-age=3600"
    return response


@router.get(
    "/service-points",
    response=dict[str, Any],
    summary="Service units in scope (GeoJSON points at their area's centre)",
)
def service_point_list(request: HttpRequest) -> dict[str, Any]:
    return service_points(request.auth)  # type: ignore[attr-defined]
