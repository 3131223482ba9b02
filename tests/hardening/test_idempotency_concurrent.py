"""Concurrent duplicates on PostgreSQL: the same Idempotency-Key sent by several threads at
once (each its own connection) files one dispute, and every thread gets that answer."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from tests.disputes.conftest import DisputeCity, dc, media_in_tmp  # noqa: F401  (fixtures)
from tests.disputes.test_api import _report_body
from zhengfa.disputes.models import Dispute
from zhengfa.web.models import IdempotentResponse

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

SENDERS = 6


def _send_together(user: Any, body: dict[str, Any], key: str) -> list[Any]:
    start = threading.Barrier(SENDERS)
    answers: list[Any] = []
    errors: list[BaseException] = []

    def send() -> None:
        client = Client()
        client.force_login(user)
        try:
            start.wait()
            answers.append(
                client.post(
                    "/api/v1/disputes/",
                    json.dumps(body),
                    content_type="application/json",
                    HTTP_IDEMPOTENCY_KEY=key,
                )
            )
        except BaseException as exc:  # reported to the test thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(SENDERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return answers


def test_concurrent_duplicates_store_once(dc: DisputeCity) -> None:  # noqa: F811
    body = _report_body(dc)
    for round_ in range(3):
        answers = _send_together(dc.grid_worker, body, f"together-{round_}")
        assert [a.status_code for a in answers] == [201] * SENDERS
        assert len({a.content for a in answers}) == 1
        replayed = [a for a in answers if a.get("Idempotent-Replayed") == "true"]
        assert len(replayed) == SENDERS - 1
    assert Dispute.objects.count() == IdempotentResponse.objects.count() == 3
