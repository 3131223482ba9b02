"""kill -9 of the whole web server in the middle of intake (PostgreSQL, real gunicorn):
every report a client was told about is stored once, with the answer it was given, and
the resends of the unanswered ones store nothing twice. The longer drill, with approvals,
a sweep and `audit verify`, is bench/faults/kill9.py."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from tests.disputes.conftest import DisputeCity, dc, media_in_tmp  # noqa: F401  (fixtures)
from zhengfa.disputes.models import Dispute
from zhengfa.org.tokens import token_create
from zhengfa.web.models import IdempotentResponse

pytestmark = [pytest.mark.postgres_only, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

TAG = "kill-9 test"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def _serve(port: int, media: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_SETTINGS_MODULE": "zhengfa.settings",
        "ZHENGFA_MEDIA_ROOT": str(media),
        "ZHENGFA_VAR_DIR": str(media.parent / "var"),
        "DEBUG": "0",
    }
    server = subprocess.Popen(  # noqa: S603 - our own argv
        [sys.executable, "-m", "zhengfa.cli", "serve", "--no-worker", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # one killpg takes the master and its workers
    )
    for _ in range(600):  # a bound on attempts, so a broken server fails instead of hanging
        assert server.poll() is None, "the server exited"
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)  # noqa: S310
            return server
        except OSError:
            time.sleep(0.1)
    pytest.fail("the server never answered")


def _report_until_acknowledged(
    port: int, token: str, grid: str, acked: dict[str, int], refused: list[bytes]
) -> None:
    key = uuid.uuid4().hex
    body = {
        "channel": "grid",
        "category": "land_property",
        "severity": "general",
        "description": f"{TAG} {key}",
        "grid_code": grid,
        "parties": [{"name": "甲某", "side": "applicant"}],
    }
    request = urllib.request.Request(  # noqa: S310 - loopback
        f"http://127.0.0.1:{port}/api/v1/disputes/",
        data=json.dumps(body).encode(),
        headers={
            "Content-Type": "application/json",
            "Authorization": f"Token {token}",
            "Idempotency-Key": key,
        },
        method="POST",
    )
    for _ in range(400):  # resend the same request, same key, until it is answered
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
                acked[key] = json.loads(answer.read())["id"]
                return
        except urllib.error.HTTPError as error:
            if error.code < 500:  # a refusal is final; after a resend it means a lost answer
                refused.append(error.read())
                return
        except OSError:
            pass
        time.sleep(0.1)


def test_kill9_mid_intake_loses_and_doubles_nothing(dc: DisputeCity, tmp_path: Path) -> None:  # noqa: F811
    token = token_create(user=dc.grid_worker)
    port, media = _free_port(), tmp_path / "media"
    server = _serve(port, media)
    acked: dict[str, int] = {}
    refused: list[bytes] = []
    stop = time.monotonic() + 8

    def client() -> None:
        while time.monotonic() < stop:
            _report_until_acknowledged(port, token, dc.grid.code, acked, refused)

    clients = [threading.Thread(target=client) for _ in range(3)]
    for thread in clients:
        thread.start()
    time.sleep(3)
    os.killpg(server.pid, signal.SIGKILL)
    server.wait()
    acked_before_kill = len(acked)
    server = _serve(port, media)
    for thread in clients:
        thread.join()
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=60)

    assert not refused
    assert acked_before_kill > 0 and len(acked) > acked_before_kill
    stored: dict[str, Any] = {
        row.key: json.loads(bytes(row.body))["id"] for row in IdempotentResponse.objects.all()
    }
    assert all(stored.get(key) == dispute_id for key, dispute_id in acked.items())
    reports = list(Dispute.objects.filter(description__startswith=TAG))
    keys = [r.description.removeprefix(TAG).strip() for r in reports]
    assert len(keys) == len(set(keys)), "a report stored twice"
    assert all(stored.get(key) == r.pk for key, r in zip(keys, reports, strict=True))
