"""Errors under /api/ that no ninja handler produced still leave as problem+json.

Django answers an unknown URL (404) and ninja answers a wrong method (405) with plain
responses, and an unhandled exception becomes Django's HTML 500. API clients should see
one error format whatever failed, so this middleware rewrites those responses. A full
upload storage (ENOSPC) answers 507 Insufficient Storage, on pages too.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from http import HTTPStatus

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from zhengfa.api import PROBLEM_CONTENT_TYPE, problem
from zhengfa.web.storage import is_storage_full

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
SLUGS = {
    404: "not-found",
    403: "forbidden",
    405: "method-not-allowed",
    500: "server-error",
    507: "storage-full",
}
STORAGE_FULL_DETAIL = (
    "存储空间已满，本次提交未保存 The file storage is full; nothing of this request was "
    "saved. Try again later."
)


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def _problem_response(request: HttpRequest, status: int, detail: str = "") -> HttpResponse:
    slug = SLUGS.get(status, "error")
    response = problem(request, status, HTTPStatus(status).phrase, detail, slug=slug)
    response["Content-Type"] = PROBLEM_CONTENT_TYPE
    return response


class ApiProblemMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not _is_api(request) or response.status_code < 400:
            return response
        if response.get("Content-Type", "").startswith(PROBLEM_CONTENT_TYPE):
            return response
        rewritten = _problem_response(request, response.status_code, _detail(request, response))
        if "Allow" in response:
            rewritten["Allow"] = response["Allow"]
        return rewritten

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if is_storage_full(exc):
            return _storage_full(request, exc)
        if not _is_api(request):
            return None
        if isinstance(exc, Http404):
            return _problem_response(request, 404)
        if isinstance(exc, PermissionDenied):
            return _problem_response(request, 403)
        logger.exception("Unhandled error in %s %s", request.method, request.path)
        return _problem_response(request, 500, "The error was logged.")


def _detail(request: HttpRequest, response: HttpResponse) -> str:
    if response.status_code == 404:
        return f"No API operation at {request.path}."
    if response.status_code == 405:
        return f"{request.method} is not allowed here; allowed: {response.get('Allow', '')}."
    return ""


def _storage_full(request: HttpRequest, exc: Exception) -> HttpResponse:
    """507 Insufficient Storage, pages included: the request's transaction was rolled back
    and its partial file removed (zhengfa.web.storage), so saying "nothing was saved" is
    true and the user may try again."""
    logger.error("Upload storage full in %s %s: %s", request.method, request.path, exc)
    if _is_api(request):
        return _problem_response(request, 507, STORAGE_FULL_DETAIL)
    return HttpResponse(STORAGE_FULL_DETAIL, status=507, content_type="text/plain; charset=utf-8")
