from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.pii.fixtures import OTHER_ID, PII_KEY_1, PII_KEY_2, VALID_ID, City
from zhengfa.audit.models import AuditEntry
from zhengfa.audit.verify import verify_log
from zhengfa.pii import crypto
from zhengfa.pii.envelope import open_personal
from zhengfa.pii.models import Person
from zhengfa.pii.services import person_create, reveal


def test_rotation_moves_everything_to_the_new_key_so_the_old_one_can_go(
    city: City, settings: Any
) -> None:
    first = person_create(actor=city.judge, name="张三", id_number=VALID_ID, phone="13812345678")
    person_create(actor=city.judge, name="李四", id_number=OTHER_ID)
    settings.ZHENGFA_PII_KEYS = f"k2:{PII_KEY_2},k1:{PII_KEY_1}"
    out = StringIO()
    call_command("pii", "rotate", stdout=out)
    assert "2 of 2 people re-encrypted under key k2" in out.getvalue()
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
    assert "0 of 1 people re-encrypted" in again.getvalue()
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
