"""/open311/v2/ routes (GeoReport v2); the format is the path's extension."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.http import require_GET

from zhengfa.portal import open311
from zhengfa.portal.open311_openapi import open311_openapi


@require_GET
def openapi(request: HttpRequest) -> JsonResponse:
    return JsonResponse(open311_openapi(request.path.rsplit("/", 1)[0]))


app_name = "open311"

urlpatterns = [
    path("openapi.json", openapi, name="openapi"),
    path("services.<str:fmt>", open311.services, name="services"),
    path("services/<str:code>.<str:fmt>", open311.service_definition, name="service"),
    path("requests.<str:fmt>", open311.requests, name="requests"),
    path("requests/<str:request_id>.<str:fmt>", open311.request_detail, name="request"),
    path("tokens/<str:token>.<str:fmt>", open311.token, name="token"),
]
