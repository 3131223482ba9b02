"""The REST API at /api/v1/ (django-ninja): one error format, problem+json (RFC 9457).

Domains add their routers with ``api.add_router`` in ``zhengfa.urls``; every error,
whatever raised it, leaves through the handlers below as
``{"type", "title", "status", "detail", "errors": [{"field", "message"}]}``.
"""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Path, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyHeader, SessionAuth

PROBLEM_CONTENT_TYPE = "application/problem+json"
# A database id in a path: a positive 64-bit integer. Anything larger names no row, and
# SQLite cannot even bind it (OverflowError → 500 before this bound; found by fuzzing).
ObjectId = Annotated[int, Path(ge=1, le=2**63 - 1)]
PROBLEM_BASE = "https://zhengfa.example/problems/"


def api_user(request: HttpRequest) -> Any:
    """The authenticated user django-ninja put on the request."""
    return request.auth  # type: ignore[attr-defined]


class FileIn(Schema):
    name: str
    data: str  # base64


def base64_bytes(text: str, field: str) -> bytes:
    """A file's bytes sent in base64; anything else is bad input on ``field``."""
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise DjangoValidationError({field: "accepted: the file's bytes in base64"}) from None


class ProblemError(Exception):
    """Raised by services and endpoints for a client error with field-level detail."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str = "",
        errors: list[dict[str, str]] | None = None,
        slug: str = "invalid",
    ) -> None:
        super().__init__(detail or title)
        self.status = status
        self.title = title
        self.detail = detail
        self.errors = errors or []
        self.slug = slug


class TokenAuth(APIKeyHeader):
    """``Authorization: Token <key>`` for scripts and other systems."""

    param_name = "Authorization"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        from zhengfa.org.tokens import user_for_token

        if not key or not key.startswith("Token "):
            return None
        return user_for_token(key.removeprefix("Token ").strip())


class ProblemFieldError(Schema):
    field: str
    message: str


class Problem(Schema):
    """RFC 9457 problem details, the body of every error response."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[ProblemFieldError]


# Errors any operation may answer; 401 only where auth applies, 404 only with path params.
_COMMON_ERRORS = {"422": "Invalid input", "500": "Server error"}


def _declare_problems(schema: dict[str, Any]) -> dict[str, Any]:
    """Every 4xx/5xx response in the OpenAPI schema is problem+json with the Problem body."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    problem_schema = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(problem_schema.pop("$defs", {}))
    components["Problem"] = problem_schema
    problem_content = {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for path, operations in schema.get("paths", {}).items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            expected = dict(_COMMON_ERRORS)
            if operation.get("security"):
                expected["401"] = "Not authenticated"
                expected["403"] = "Forbidden for this role"
            if "{" in path:
                expected["404"] = "Not found"
            if "requestBody" in operation:
                expected["400"] = "The body is not JSON"
            for status, title in expected.items():
                responses.setdefault(status, {"description": title})
            for status, response in responses.items():
                if int(status) >= 400:
                    response["content"] = problem_content
    return schema


def _declare_media_types(schema: dict[str, Any]) -> dict[str, Any]:
    """An operation answering another JSON type (GeoJSON) says so in its ``x-media-type``;
    its success responses are declared with that type instead of application/json."""
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            media_type = operation.pop("x-media-type", None)
            if not media_type:
                continue
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if int(status) < 400 and "application/json" in content:
                    content[media_type] = content.pop("application/json")
    return schema


class ProblemNinjaAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(**kwargs)
        return _declare_problems(_declare_media_types(schema))


api = ProblemNinjaAPI(
    title="zhengfa API",
    version="1",
    urls_namespace="api-v1",
    auth=[TokenAuth(), SessionAuth()],
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def problem(
    request: HttpRequest,
    status: int,
    title: str,
    detail: str = "",
    errors: list[dict[str, str]] | None = None,
    slug: str = "about:blank",
) -> HttpResponse:
    body = {
        "type": slug if slug == "about:blank" else PROBLEM_BASE + slug,
        "title": title,
        "status": status,
        "detail": detail,
        "errors": errors or [],
    }
    return api.create_response(request, body, status=status)


def _field_path(loc: list[Any] | tuple[Any, ...]) -> str:
    """['body', 'payload', 'parties', 0, 'id_number'] -> 'parties[0].id_number'."""
    parts = [p for p in loc if p not in {"body", "query", "path", "payload", "form"}]
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def _patch_content_type(response: HttpResponse) -> HttpResponse:
    response["Content-Type"] = PROBLEM_CONTENT_TYPE
    return response


@api.exception_handler(ProblemError)
def _on_problem(request: HttpRequest, exc: ProblemError) -> HttpResponse:
    return _patch_content_type(
        problem(request, exc.status, exc.title, exc.detail, exc.errors, exc.slug)
    )


@api.exception_handler(NinjaValidationError)
def _on_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = [
        {"field": _field_path(e.get("loc", ())), "message": str(e.get("msg", ""))}
        for e in exc.errors
    ]
    return _patch_content_type(
        problem(request, 422, "Invalid input", "Some fields are not valid.", errors, "invalid")
    )


@api.exception_handler(DjangoValidationError)
def _on_django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        errors = [
            {"field": field, "message": str(message)}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    else:
        errors = [{"field": "", "message": str(m)} for m in exc.messages]
    return _patch_content_type(
        problem(request, 422, "Invalid input", "Some fields are not valid.", errors, "invalid")
    )


@api.exception_handler(Http404)
def _on_404(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _patch_content_type(problem(request, 404, "Not found", str(exc), slug="not-found"))


@api.exception_handler(PermissionDenied)
def _on_403(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _patch_content_type(problem(request, 403, "Forbidden", str(exc), slug="forbidden"))


@api.exception_handler(AuthenticationError)
def _on_401(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _patch_content_type(
        problem(request, 401, "Not authenticated", "Log in or send a token.", slug="unauthorized")
    )


@api.exception_handler(HttpError)
def _on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _patch_content_type(problem(request, exc.status_code, str(exc), slug="error"))
