"""Rotation on PostgreSQL while other connections keep reading and writing personal data."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from tests.pii.fixtures import PII_KEY_1, PII_KEY_2, City
from tests.pii.test_rotation import _id
from zhengfa.audit.verify import verify_log
from zhengfa.pii import crypto
from zhengfa.pii.models import Person
from zhengfa.pii.rotation import key_usage, pii_rotate_keys
from zhengfa.pii.services import person_create, reveal

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def _in_thread(work: Callable[[], None], errors: list[BaseException]) -> threading.Thread:
    def run() -> None:
        try:
            work()
        except BaseException as exc:  # reported to the test thread
            errors.append(exc)
        finally:
            connection.close()

    return threading.Thread(target=run)


def test_reads_and_writes_go_on_during_rotation_and_nothing_is_left_on_the_old_key(
    city: City, settings: Any
) -> None:
    people = [person_create(actor=city.judge, name=f"人员{i}", id_number=_id(i)) for i in range(8)]
    settings.ZHENGFA_PII_KEYS = f"k2:{PII_KEY_2},k1:{PII_KEY_1}"
    done = threading.Event()
    errors: list[BaseException] = []
    seen: list[str] = []
    during: list[int] = []  # iterations that finished while the rotation was still running

    def rotate() -> None:
        try:
            pii_rotate_keys(batch_size=2, pause=0.05)
        finally:
            done.set()

    def read_and_write() -> None:
        n = 0
        while not done.is_set() or n < 3:
            person = people[n % len(people)]
            seen.append(reveal(actor=city.judge, person=person, field="name", purpose="核对"))
            person_create(actor=city.judge, name=f"新人{n}")
            if not done.is_set():
                during.append(n)
            n += 1

    threads = [_in_thread(rotate, errors), _in_thread(read_and_write, errors)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert during, "the reads and writes overlapped the rotation"
    assert len(seen) >= 3 and all(name.startswith("人员") for name in seen)
    assert key_usage()["k1"] == {}
    assert {crypto.key_id_of(p.name) for p in Person.objects.all()} == {"k2"}
    assert verify_log().intact
