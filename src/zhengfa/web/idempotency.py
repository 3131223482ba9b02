"""Idempotency keys for writes a client may retry (``Idempotency-Key`` request header).

A client that sends a POST and never hears back (a timeout, a killed server, a dropped
connection) cannot know whether the write happened. If it sent an ``Idempotency-Key``
it may simply send the same request again: this middleware runs the write and stores its
answer in ONE transaction, so afterwards either both exist or neither does, and a retry
gets the stored answer (header ``Idempotent-Replayed: true``) without writing again.
Follows the IETF draft "The Idempotency-Key HTTP Header Field"
(draft-ietf-httpapi-idempotency-key-header): a key reused with a different request body
is refused with 422.

Concurrent duplicates: the second request's INSERT of the same (owner, key) waits on the
unique index until the first commits, then fails and replays the first's answer; on
SQLite writers queue on the database lock, with the same result.

Only successful answers (2xx) are kept. A refused request (4xx) frees its key, so the
client may correct the body and retry; a server error (5xx) rolls back everything the
request wrote.

It applies to POST under ``/api/v1/`` and ``/open311/``; other requests pass through.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse

from zhengfa.api import PROBLEM_BASE, PROBLEM_CONTENT_TYPE
from zhengfa.web.models import IdempotentResponse

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 200
PREFIXES = ("/api/v1/", "/open311/")


def _applies(request: HttpRequest) -> bool:
    return (
        request.method == "POST"
        and HEADER in request.headers
        and request.path_info.startswith(PREFIXES)
    )


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def request_owner(request: HttpRequest) -> str:
    """Whose key it is: keys of different callers never meet. Tokens and Open311 api keys
    are stored hashed, never in the clear."""
    authorization = request.headers.get("Authorization", "")
    if authorization:
        return f"token:{_digest(authorization)[:32]}"
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    api_key = request.POST.get("api_key", "") if _is_form(request) else ""
    if api_key:
        return f"open311:{_digest(api_key)[:32]}"
    return "anonymous"


def _is_form(request: HttpRequest) -> bool:
    return request.content_type in {"application/x-www-form-urlencoded", "multipart/form-data"}


def request_fingerprint(request: HttpRequest) -> str:
    """What the request asks for. Forms are hashed field by field, because a client that
    retries a multipart form picks a new boundary and so sends different bytes."""
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    if not _is_form(request):
        digest.update(request.body)
        return digest.hexdigest()
    for name, values in sorted(request.POST.lists()):
        digest.update(json.dumps([name, values]).encode())
    for name, files in sorted(request.FILES.lists()):
        for upload in files:
            digest.update(json.dumps([name, upload.name]).encode())
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
    return digest.hexdigest()


class IdempotencyMiddleware:
    """Placed after AuthenticationMiddleware so session users are known."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _applies(request):
            return self.get_response(request)
        key = request.headers[HEADER].strip()
        if not key or len(key) > MAX_KEY_LENGTH:
            return _refusal(request, 400, f"{HEADER} must be 1 to {MAX_KEY_LENGTH} characters.")
        fingerprint = request_fingerprint(request)
        return self._once(request, request_owner(request), key, fingerprint)

    def _once(self, request: HttpRequest, owner: str, key: str, fingerprint: str) -> HttpResponse:
        with transaction.atomic():
            claim = _claim(owner, key, fingerprint)
            if claim is None:
                return _earlier_answer(request, owner, key, fingerprint)
            response = self.get_response(request)
            _settle(claim, response)
            return response


def _claim(owner: str, key: str, fingerprint: str) -> IdempotentResponse | None:
    """Insert the key's row, or None when an earlier request (now committed) holds it."""
    try:
        with transaction.atomic():
            return IdempotentResponse.objects.create(
                owner=owner, key=key, fingerprint=fingerprint, status=0, content_type="", body=b""
            )
    except IntegrityError:
        return None


def _settle(claim: IdempotentResponse, response: HttpResponse) -> None:
    """Keep a success with the write; free the key of a refusal; undo a server error."""
    if transaction.get_rollback():
        return  # the request's own transaction failed: the claim goes with it
    if response.status_code >= 500 or response.streaming:
        transaction.set_rollback(True)
    elif 200 <= response.status_code < 300:
        claim.status = response.status_code
        claim.content_type = response.get("Content-Type", "")
        claim.body = response.content
        claim.save(update_fields=["status", "content_type", "body"])
    else:
        claim.delete()


def _earlier_answer(request: HttpRequest, owner: str, key: str, fingerprint: str) -> HttpResponse:
    earlier = IdempotentResponse.objects.get(owner=owner, key=key)
    if earlier.fingerprint != fingerprint:
        return _refusal(
            request, 422, f"This {HEADER} was already used for a different request; use a new key."
        )
    response = HttpResponse(
        bytes(earlier.body), status=earlier.status, content_type=earlier.content_type
    )
    response[REPLAYED_HEADER] = "true"
    return response


def _refusal(request: HttpRequest, status: int, detail: str) -> HttpResponse:
    """problem+json under /api/; the Open311 error list under /open311/ (GeoReport v2)."""
    if request.path_info.startswith("/open311/"):
        if request.path_info.endswith(".xml"):
            body = (
                '<?xml version="1.0" encoding="utf-8"?><errors><error>'
                f"<code>{status}</code><description>{detail}</description></error></errors>"
            )
            return HttpResponse(body, status=status, content_type="text/xml; charset=utf-8")
        errors = [{"code": status, "description": detail}]
        return HttpResponse(json.dumps(errors), status=status, content_type="application/json")
    problem = {
        "type": PROBLEM_BASE + "idempotency-key",
        "title": "Idempotency key reused" if status == 422 else "Bad idempotency key",
        "status": status,
        "detail": detail,
        "errors": [{"field": HEADER, "message": detail}],
    }
    return HttpResponse(json.dumps(problem), status=status, content_type=PROBLEM_CONTENT_TYPE)
