"""Production mode: `check --deploy` is clean, and each header and setting is what
docs/security.md says. The production process runs in a subprocess with its required
secrets (fresh random keys), since settings are read once at start-up."""

from __future__ import annotations

import base64
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.test import Client

from tests.api.conftest import World
from zhengfa.org.roles import Role
from zhengfa.web.security import content_security_policy

ZHENGFA = Path(sys.executable).with_name("zhengfa")


def _key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


def _production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SECURE_", "DEBUG"))}
    env |= {
        "ZHENGFA_PRODUCTION": "1",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "zhengfa.example",
        "ZHENGFA_VAR_DIR": str(tmp_path),
        "ZHENGFA_PII_KEYS": f"k1:{_key()}",
        "ZHENGFA_PII_HASH_KEY": _key(),
        "ZHENGFA_AUDIT_KEY": _key(),
    }
    return env | extra


def _production_settings(tmp_path: Path, **extra: str) -> dict[str, Any]:
    names = [
        "DEBUG",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SECURE_PROXY_SSL_HEADER",
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SESSION_COOKIE_SAMESITE",
        "CSRF_COOKIE_SECURE",
        "CSRF_COOKIE_HTTPONLY",
        "X_FRAME_OPTIONS",
        "SECURE_REFERRER_POLICY",
        "PASSWORD_HASHERS",
    ]
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        f"print(json.dumps({{n: getattr(s, n) for n in {names!r}}}))"
    )
    env = _production_env(tmp_path, DJANGO_SETTINGS_MODULE="zhengfa.settings", **extra)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    values: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return values


def test_check_deploy_is_clean_in_production(tmp_path: Path) -> None:
    command = [str(ZHENGFA), "check", "--deploy", "--fail-level", "WARNING"]
    out = subprocess.run(command, env=_production_env(tmp_path), capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "no issues" in out.stdout


def test_check_deploy_warns_without_production_mode(tmp_path: Path) -> None:
    """The same check fails outside production mode, so the clean run above means something."""
    env = _production_env(tmp_path, ZHENGFA_PRODUCTION="0", DEBUG="1")
    command = [str(ZHENGFA), "check", "--deploy", "--fail-level", "WARNING"]
    out = subprocess.run(command, env=env, capture_output=True, text=True)
    assert out.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in out.stderr + out.stdout


def test_production_settings(tmp_path: Path) -> None:
    values = _production_settings(tmp_path)
    assert values["DEBUG"] is False
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_HSTS_PRELOAD"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] is None  # only when configured
    assert values["SESSION_COOKIE_SECURE"] is True and values["CSRF_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True and values["CSRF_COOKIE_HTTPONLY"] is True
    assert values["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert values["X_FRAME_OPTIONS"] == "DENY"
    assert values["SECURE_REFERRER_POLICY"] == "same-origin"
    assert values["PASSWORD_HASHERS"][0].endswith("Argon2PasswordHasher")


def test_proxy_ssl_header_only_when_configured(tmp_path: Path) -> None:
    values = _production_settings(tmp_path, SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https")
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


@pytest.fixture
def production_like(settings: Any) -> None:
    """The production values of the settings Django reads per request."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True


@pytest.mark.django_db
@pytest.mark.usefixtures("production_like")
def test_plain_http_is_redirected_to_https() -> None:
    response = Client().get("/login/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/login/"


@pytest.mark.django_db
@pytest.mark.usefixtures("production_like")
@pytest.mark.parametrize("path", ["/login/", "/portal/", "/api/v1/me", "/open311/v2/services.json"])
def test_every_response_carries_the_security_headers(path: str) -> None:
    response = Client().get(path, secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Content-Security-Policy"] == content_security_policy()
    assert "camera=()" in response["Permissions-Policy"]


def test_csp_allows_no_inline_script_or_eval() -> None:
    directives = dict(d.strip().split(" ", 1) for d in content_security_policy().split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in content_security_policy()


def test_csp_admits_the_configured_map_tiles(settings: Any) -> None:
    settings.ZHENGFA_TILE_URL = "https://{s}.tiles.example/{z}/{x}/{y}.png"
    assert "img-src 'self' data: blob: https://*.tiles.example;" in content_security_policy()


@pytest.mark.django_db
@pytest.mark.usefixtures("production_like")
def test_session_and_csrf_cookies_are_secure_httponly_lax(world: World) -> None:
    client = Client()
    page = client.get("/login/", secure=True)
    csrf = page.cookies["csrftoken"]
    token = csrf.value
    signed_in = client.post(
        "/login/",
        {"username": Role.JUDGE, "password": "correct horse battery staple"},
        secure=True,
        HTTP_X_CSRFTOKEN=token,
    )
    assert signed_in.status_code == 302
    for cookie in (csrf, signed_in.cookies["sessionid"]):
        assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax"


@pytest.mark.django_db
def test_sessions_expire_when_idle(world: World, settings: Any) -> None:
    settings.SESSION_IDLE_TIMEOUT = 30 * 60
    with time_machine.travel("2026-03-02 09:00:00+08:00", tick=False):
        client = world.client_for(Role.JUDGE)  # signed in at 09:00
        assert client.get("/").status_code == 200
    with time_machine.travel("2026-03-02 09:29:00+08:00", tick=False):
        assert client.get("/").status_code == 200
    with time_machine.travel("2026-03-02 10:00:00+08:00", tick=False):
        assert client.get("/").status_code == 302  # idle 31 minutes: signed out
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_sessions_expire_at_their_absolute_limit_even_when_busy(
    world: World, settings: Any
) -> None:
    settings.SESSION_COOKIE_AGE = 8 * 3600
    with time_machine.travel("2026-03-02 08:00:00+08:00", tick=False):
        client = world.client_for(Role.JUDGE)  # signed in at 08:00
    for hour in range(8):
        with time_machine.travel(f"2026-03-02 {8 + hour:02d}:00:00+08:00", tick=False):
            for minutes in (0, 20, 40):
                at = f"2026-03-02 {8 + hour:02d}:{minutes:02d}:00+08:00"
                with time_machine.travel(at, tick=False):
                    assert client.get("/").status_code == 200
    with time_machine.travel("2026-03-02 16:00:01+08:00", tick=False):
        assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_csrf_is_enforced_on_the_sign_in_form(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    refused = client.post("/login/", {"username": Role.JUDGE, "password": "x"})
    assert refused.status_code == 403


@pytest.mark.django_db
def test_non_admin_roles_cannot_reach_the_admin(world: World) -> None:
    for role in Role.values:
        if role == Role.PLATFORM_ADMIN:
            continue
        response = world.client_for(role).get("/admin/")
        assert response.status_code == 302 and "/admin/login/" in response["Location"], role
        assert world.client_for(role).get("/admin/org/grid/").status_code == 302


@pytest.mark.django_db
def test_a_scoped_admin_sees_only_its_regions_rows(world: World) -> None:
    from django.contrib.auth.models import Permission

    commission = world.users[Role.COMMISSION]
    commission.is_staff = True
    commission.save()
    for codename in ("view_grid", "change_grid"):
        commission.user_permissions.add(Permission.objects.get(codename=codename))
    client = world.client_for(Role.COMMISSION)
    listing = client.get("/admin/org/grid/").content.decode()
    assert world.home.grid.name in listing and world.away.grid.name not in listing
    away = f"/admin/org/grid/{world.away.grid.pk}/change/"
    home = f"/admin/org/grid/{world.home.grid.pk}/change/"
    assert client.get(home).status_code == 200
    assert client.get(away).status_code in {302, 403, 404}
    assert world.away.grid.name not in client.get(away, follow=True).content.decode()


@pytest.mark.django_db
def test_a_nul_character_is_refused_at_the_door() -> None:
    """PostgreSQL cannot store 0x00; fuzzing found it raising 500s deep in queries."""
    client = Client()
    api = client.get("/api/v1/courts/public/progress", {"number": "m\x00", "code": "x"})
    assert api.status_code == 422 and api["Content-Type"] == "application/problem+json"
    body = json.dumps({"username": "judge\x00", "password": "x"})
    token = client.post("/api/v1/auth/token", body, content_type="application/json")
    assert token.status_code == 422
    open311 = client.get("/open311/v2/requests.json", {"status": "\x00"})
    assert open311.status_code == 400 and json.loads(open311.content)[0]["code"] == 400
    assert client.get("/portal/", {"q": "\x00"}).status_code == 400
