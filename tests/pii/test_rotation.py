from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.pii.fixtures import OTHER_ID, PII_KEY_1, PII_KEY_2, VALID_ID, City
from zhengfa.audit.models import AuditEntry
from zhengfa.audit.services import audit_record
from zhengfa.audit.verify import verify_log
from zhengfa.flow.sweeper import Worker
from zhengfa.pii import crypto
from zhengfa.pii.envelope import open_personal
from zhengfa.pii.models import Person
from zhengfa.pii.rotation import key_usage, pii_rotate_background, pii_rotate_keys
from zhengfa.pii.services import person_create, reveal


def test_rotation_moves_everything_to_the_new_key_so_the_old_one_can_go(
    city: City, settings: Any
) -> None:
    first = person_create(actor=city.judge, name="张三", id_number=VALID_ID, phone="13812345678")
    person_create(actor=city.judge, name="李四", id_number=OTHER_ID)
    settings.ZHENGFA_PII_KEYS = f"k2:{PII_KEY_2},k1:{PII_KEY_1}"
    out = StringIO()
    call_command("pii", "rotate", stdout=out)
    assert "2 rows re-encrypted under key k2 (2 people)" in out.getvalue()
    for person in Person.objects.all():
        tokens = [person.name, person.id_number, person.data_key_wrapped]
        assert {crypto.key_id_of(t) for t in tokens} == {"k2"}
    settings.ZHENGFA_PII_KEYS = f"k2:{PII_KEY_2}"  # the old key is retired
    first.refresh_from_db()
    assert reveal(actor=city.judge, person=first, field="id_number", purpose="核对") == VALID_ID
    created = AuditEntry.objects.filter(action="person.create").first()
    assert created is not None
    assert open_personal(created.personal, first)["phone"] == "13812345678"
    assert AuditEntry.objects.filter(action="pii.rotate").count() == 1
    assert verify_log().intact


def test_rotation_is_restartable_and_skips_what_is_done(city: City, settings: Any) -> None:
    person_create(actor=city.judge, name="张三", id_number=VALID_ID)
    settings.ZHENGFA_PII_KEYS = f"k2:{PII_KEY_2},k1:{PII_KEY_1}"
    call_command("pii", "rotate", stdout=StringIO())
    again = StringIO()
    call_command("pii", "rotate", stdout=again)
    assert "0 rows re-encrypted" in again.getvalue()
    assert AuditEntry.objects.filter(action="pii.rotate").count() == 1


def test_rotation_with_a_malformed_keyring_exits_2_and_changes_nothing(
    city: City, settings: Any
) -> None:
    person = person_create(actor=city.judge, name="张三", id_number=VALID_ID)
    settings.ZHENGFA_PII_KEYS = "k2"
    with pytest.raises(CommandError, match="ZHENGFA_PII_KEYS") as failed:
        call_command("pii", "rotate", stdout=StringIO())
    assert failed.value.returncode == 2
    stored = Person.objects.get(pk=person.pk)
    assert (stored.name, stored.data_key_wrapped) == (person.name, person.data_key_wrapped)


def _status() -> str:
    out = StringIO()
    call_command("pii", "rotation-status", stdout=out)
    return out.getvalue()


def test_status_shows_what_each_key_seals_and_retiring_waits_for_zero(
    city: City, settings: Any
) -> None:
    person_create(actor=city.judge, name="张三", id_number=VALID_ID, phone="13812345678")
    settings.ZHENGFA_PII_KEYS = f"k2:{PII_KEY_2},k1:{PII_KEY_1}"
    status = _status()
    assert "k2 (current): 0 values" in status
    assert "k1: 4 values" in status and "pii.person.data_key_wrapped: 1" in status
    with pytest.raises(CommandError, match="k1.*still seals.*pii.person.id_number: 1") as refused:
        call_command("pii", "retire-key", "k1", "--actor", city.admin.username)
    assert refused.value.returncode == 2

    call_command("pii", "rotate", stdout=StringIO())
    assert "k1: 0 values" in _status()
    out = StringIO()
    call_command("pii", "retire-key", "k1", "--actor", city.admin.username, stdout=out)
    assert "remove it from ZHENGFA_PII_KEYS" in out.getvalue()
    assert AuditEntry.objects.filter(action="pii.key_retired", subject_id="k1").count() == 1


def test_the_current_key_cannot_be_retired(city: City, settings: Any) -> None:
    with pytest.raises(CommandError, match="current key") as refused:
        call_command("pii", "retire-key", "k1", "--actor", city.admin.username)
    assert refused.value.returncode == 2


def test_audit_rows_sealed_under_the_old_key_need_their_loss_accepted(
    city: City, settings: Any
) -> None:
    audit_record(actor=None, action="auth.login_failed", personal={"username": "张三"})
    settings.ZHENGFA_PII_KEYS = f"k2:{PII_KEY_2},k1:{PII_KEY_1}"
    call_command("pii", "rotate", stdout=StringIO())
    with pytest.raises(CommandError, match="audit.auditentry.personal: 1.*accept-audit-loss"):
        call_command("pii", "retire-key", "k1", "--actor", city.admin.username)
    call_command(
        "pii", "retire-key", "k1", "--actor", city.admin.username, "--accept-audit-loss",
        stdout=StringIO(),
    )  # fmt: skip


class Killed(Exception):
    pass


def test_a_killed_rotation_continues_where_it_stopped_while_the_system_works_on(
    city: City, settings: Any
) -> None:
    people = [person_create(actor=city.judge, name=f"人员{i}", id_number=_id(i)) for i in range(5)]
    settings.ZHENGFA_PII_KEYS = f"k2:{PII_KEY_2},k1:{PII_KEY_1}"
    batches = 0

    def meanwhile(done: int) -> None:
        # Between batches the live system reads an old-key value and writes a new person;
        # the third batch never finishes: the process is killed.
        nonlocal batches
        batches += 1
        assert reveal(actor=city.judge, person=people[-1], field="name", purpose="核对") == "人员4"
        person_create(actor=city.judge, name=f"新人{batches}")
        if batches == 2:
            raise Killed

    with pytest.raises(Killed):
        pii_rotate_keys(batch_size=2, progress=meanwhile)
    on_old = [p for p in Person.objects.all() if crypto.key_id_of(p.name) == "k1"]
    assert len(on_old) == 1  # the last batch of one was never reached
    assert pii_rotate_keys(batch_size=2) == 1  # only what was left
    assert {crypto.key_id_of(p.name) for p in Person.objects.all()} == {"k2"}
    assert AuditEntry.objects.filter(action="pii.rotate").count() == 3
    settings.ZHENGFA_PII_KEYS = f"k2:{PII_KEY_2}"
    assert reveal(actor=city.judge, person=people[0], field="id_number", purpose="核对") == _id(0)
    assert verify_log().intact


def _id(n: int) -> str:
    """Valid ID numbers of people born on successive days of 1990 in 向阳区."""
    body = f"230402199001{n + 10:02d}12{n}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]
    return body + check


def test_the_worker_loop_rotates_in_batches_only_while_two_keys_are_listed(
    city: City, settings: Any
) -> None:
    for i in range(3):
        person_create(actor=city.judge, name=f"人员{i}", id_number=_id(i))
    with CaptureQueriesContext(connection) as idle:
        assert pii_rotate_background(budget=5.0) == 0
    assert len(idle) == 0  # one key: no rotation under way, not even a query
    settings.ZHENGFA_PII_KEYS = f"k2:{PII_KEY_2},k1:{PII_KEY_1}"
    Worker(interval=30.0, batch=2, checkpoint_every=300.0).run(once=True)
    assert {crypto.key_id_of(p.data_key_wrapped) for p in Person.objects.all()} == {"k2"}
    assert key_usage()["k1"] == {}
    assert AuditEntry.objects.filter(action="pii.rotate").count() == 2  # batches of 2 and 1
