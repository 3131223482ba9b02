"""Security headers Django lacks (a Content-Security-Policy, Permissions-Policy) and
session limits (absolute and idle). See docs/security.md.

Django's SecurityMiddleware already sends HSTS, nosniff, Referrer-Policy and the
Cross-Origin-Opener-Policy, and XFrameOptionsMiddleware sends X-Frame-Options; this
module adds what Django 5.2 has no setting for.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote_plus, urlsplit

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest

# No 'unsafe-inline' and no 'unsafe-eval' anywhere: every script and style is a file
# served from our own origin (tests/hardening/test_deploy_csp.py greps the templates).
PERMISSIONS_POLICY = "camera=(), microphone=(), payment=(), usb=(), geolocation=(self)"
STARTED, SEEN = "zf_session_started", "zf_session_seen"
SEEN_RESOLUTION = 60  # seconds; the idle clock is written at most once a minute


def _origin(url: str) -> str:
    """'https://{s}.tile.example/{z}/{x}/{y}.png' -> 'https://*.tile.example'."""
    parts = urlsplit(url)
    host = parts.netloc.replace("{s}", "*")
    return f"{parts.scheme}://{host}" if parts.scheme and host else ""


def content_security_policy() -> str:
    images = ["'self'", "data:", "blob:"]
    tiles = _origin(settings.ZHENGFA_TILE_URL)
    if tiles:
        images.append(tiles)
    directives = {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": " ".join(images),
        "connect-src": "'self'",
        "font-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


class SecurityHeadersMiddleware:
    """Adds the Content-Security-Policy and Permissions-Policy to every response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = content_security_policy()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


def session_expired(started: int, seen: int, now: int) -> bool:
    """Past the absolute lifetime (SESSION_COOKIE_AGE) or idle for SESSION_IDLE_TIMEOUT."""
    too_old = now - started > settings.SESSION_COOKIE_AGE
    return too_old or now - seen > settings.SESSION_IDLE_TIMEOUT


def session_start_at_login(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    """On ``user_logged_in``: the absolute and idle clocks of this session start now."""
    if request is not None and hasattr(request, "session"):
        request.session[STARTED] = request.session[SEEN] = int(time.time())


class SessionExpiryMiddleware:
    """Signs out a session past its absolute or idle limit, before the view runs.

    Django's cookie age alone is sliding (it restarts whenever the session is saved), so
    the two instants are kept in the session and checked here.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            self._check(request)
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> None:
        now = int(time.time())
        started = request.session.setdefault(STARTED, now)
        seen = request.session.setdefault(SEEN, now)
        if session_expired(started, seen, now):
            logout(request)
        elif now - seen >= SEEN_RESOLUTION:
            request.session[SEEN] = now


def _carries_nul(request: HttpRequest) -> bool:
    if "\x00" in unquote_plus(request.META.get("QUERY_STRING", "")):
        return True
    content_type = request.META.get("CONTENT_TYPE", "")
    if content_type.startswith("application/json"):
        return b"\\u0000" in request.body or b"\x00" in request.body
    if content_type.startswith("application/x-www-form-urlencoded"):
        return "\x00" in unquote_plus(request.body.decode("latin-1"))
    return False  # multipart uploads: files may hold NUL bytes; their fields are few


class RefuseNulMiddleware:
    """Refuses a NUL character (0x00) in a query string, JSON or form body.

    PostgreSQL text cannot hold one, so it used to fail deep inside a query as a 500
    (found by fuzzing on PostgreSQL: the hazard ledger's region, the public progress
    lookup's number). No legitimate input holds one; Django's form fields refuse it too.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _carries_nul(request):
            return self.get_response(request)
        message = "input holds a NUL character (0x00), which no field accepts"
        if request.path_info.startswith("/open311/"):
            from zhengfa.portal.open311 import Open311Error, _error

            return _error(request.path_info.rsplit(".", 1)[-1], Open311Error(400, message))
        if request.path_info.startswith("/api/"):
            from zhengfa.api import PROBLEM_CONTENT_TYPE, problem

            response = problem(request, 422, "Invalid input", message, slug="invalid")
            response["Content-Type"] = PROBLEM_CONTENT_TYPE
            return response
        return HttpResponseBadRequest(message)
