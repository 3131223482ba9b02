"""Login throttling and lockout on the web sign-in and on POST /api/v1/auth/token.

Limits in these tests: 3 failures per username+address, 5 per address, a 10-minute
window and a 15-minute lockout (set through the settings the environment fills).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client

from tests.api.conftest import PASSWORD, World
from zhengfa.audit.models import AuditEntry
from zhengfa.org.models import ApiToken
from zhengfa.org.roles import Role
from zhengfa.web.throttle import LOCKED_ACTION

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
HOME, AWAY = "10.0.0.1", "10.0.0.2"


@pytest.fixture(autouse=True)
def limits(settings: Any) -> None:
    settings.ZHENGFA_LOGIN_MAX_FAILURES = 3
    settings.ZHENGFA_LOGIN_MAX_FAILURES_PER_IP = 5
    settings.ZHENGFA_LOGIN_WINDOW = 600
    settings.ZHENGFA_LOGIN_LOCKOUT = 900


def _web_login(username: str, password: str, address: str = HOME) -> Any:
    client = Client(REMOTE_ADDR=address)
    return client.post("/login/", {"username": username, "password": password})


def _token(username: str, password: str, address: str = HOME) -> Any:
    body = json.dumps({"username": username, "password": password})
    return Client(REMOTE_ADDR=address).post(
        "/api/v1/auth/token", body, content_type="application/json"
    )


def _signed_in(response: Any) -> bool:
    return response.status_code == 302 and "_auth_user_id" in response.client.session


@pytest.mark.django_db
def test_web_sign_in_locks_the_pair_after_repeated_failures(world: World) -> None:
    with time_machine.travel(T0, tick=False):
        for _ in range(3):
            assert _web_login(Role.JUDGE, "wrong").status_code == 200
        locked = _web_login(Role.JUDGE, PASSWORD)
    assert locked.status_code == 429
    assert "_auth_user_id" not in locked.client.session
    body = locked.content.decode()
    assert 'role="alert"' in body and f'value="{Role.JUDGE}"' in body  # error shown, value kept
    assert "登录失败次数过多，请 16 分钟后再试。" in body
    assert AuditEntry.objects.filter(action=LOCKED_ACTION).count() == 1
    assert AuditEntry.objects.filter(action="auth.login_failed").count() == 3


@pytest.mark.django_db
def test_a_lockout_is_not_a_lever_against_the_user_elsewhere(world: World) -> None:
    with time_machine.travel(T0, tick=False):
        for _ in range(4):
            _web_login(Role.JUDGE, "wrong", address=HOME)
        assert _signed_in(_web_login(Role.JUDGE, PASSWORD, address=AWAY))
        assert _web_login(Role.JUDGE, PASSWORD, address=HOME).status_code == 429


@pytest.mark.django_db
def test_the_lockout_ends_after_its_window(world: World) -> None:
    with time_machine.travel(T0, tick=False):
        for _ in range(3):
            _web_login(Role.JUDGE, "wrong")
    with time_machine.travel(T0 + timedelta(minutes=14), tick=False):
        assert _web_login(Role.JUDGE, PASSWORD).status_code == 429
    with time_machine.travel(T0 + timedelta(minutes=16), tick=False):
        assert _signed_in(_web_login(Role.JUDGE, PASSWORD))


@pytest.mark.django_db
def test_success_resets_the_pair_counter(world: World) -> None:
    with time_machine.travel(T0, tick=False):
        for _ in range(2):
            _web_login(Role.JUDGE, "wrong")
        assert _signed_in(_web_login(Role.JUDGE, PASSWORD))
        for _ in range(2):
            _web_login(Role.JUDGE, "wrong")
        assert _signed_in(_web_login(Role.JUDGE, PASSWORD))
    assert not AuditEntry.objects.filter(action=LOCKED_ACTION).exists()


@pytest.mark.django_db
def test_one_address_spraying_many_usernames_is_locked(world: World) -> None:
    names = [Role.JUDGE, Role.CLERK, Role.MEDIATOR, Role.COMMISSION, Role.GRID_WORKER]
    with time_machine.travel(T0, tick=False):
        for name in names:
            _web_login(name, "wrong")
        assert _web_login(Role.CITIZEN, PASSWORD).status_code == 429
        assert _signed_in(_web_login(Role.CITIZEN, PASSWORD, address=AWAY))


@pytest.mark.django_db
def test_failures_outside_the_window_do_not_add_up(world: World) -> None:
    for minutes in (0, 11, 22, 33):
        with time_machine.travel(T0 + timedelta(minutes=minutes), tick=False):
            _web_login(Role.JUDGE, "wrong")
    with time_machine.travel(T0 + timedelta(minutes=34), tick=False):
        assert _signed_in(_web_login(Role.JUDGE, PASSWORD))


@pytest.mark.django_db
def test_token_endpoint_answers_429_problem_and_issues_nothing(world: World) -> None:
    with time_machine.travel(T0, tick=False):
        for _ in range(3):
            assert _token(Role.JUDGE, "wrong").status_code == 401
        locked = _token(Role.JUDGE, PASSWORD)
    assert locked.status_code == 429
    assert locked["Content-Type"].startswith("application/problem+json")
    problem = json.loads(locked.content)
    assert problem["status"] == 429 and problem["type"].endswith("/login-locked")
    assert not ApiToken.objects.exists()
    with time_machine.travel(T0 + timedelta(minutes=16), tick=False):
        assert _token(Role.JUDGE, PASSWORD).status_code == 201


@pytest.mark.django_db
def test_web_and_token_failures_share_one_counter(world: World) -> None:
    with time_machine.travel(T0, tick=False):
        _web_login(Role.JUDGE, "wrong")
        _token(Role.JUDGE, "wrong")
        _web_login(Role.JUDGE, "wrong")
        assert _token(Role.JUDGE, PASSWORD).status_code == 429
