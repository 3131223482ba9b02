from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from tests.api.conftest import World
from zhengfa.audit.models import AuditEntry
from zhengfa.org.models import ApiToken


def test_org_token_prints_a_working_token_and_audits_it(world: World) -> None:
    out = io.StringIO()
    call_command("org", "token", "judge", "--label", "nightly export", stdout=out)
    key = out.getvalue().strip()
    me = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Token {key}")
    assert json.loads(me.content)["username"] == "judge"
    entry = AuditEntry.objects.get(action="org.token_issue")
    assert entry.actor_label == "system"
    assert key not in entry.new_json


def test_org_token_for_an_unknown_user_exits_2_and_stores_nothing(world: World) -> None:
    with pytest.raises(CommandError, match="username") as raised:
        call_command("org", "token", "nobody")
    assert raised.value.returncode == 2
    assert ApiToken.objects.count() == 0
