from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from tests.pii.fixtures import ADDRESS, OTHER_ID, VALID_ID, City
from zhengfa.audit.models import AuditEntry
from zhengfa.audit.selectors import audit_entry_personal
from zhengfa.audit.verify import verify_log
from zhengfa.pii.envelope import PersonalDataErased, open_personal
from zhengfa.pii.models import Person
from zhengfa.pii.selectors import person_find_by_id_number, person_find_by_phone
from zhengfa.pii.services import person_create, person_erase_key, reveal


def _person(city: City, **overrides: str) -> Person:
    values = {
        "name": "张三",
        "id_number": VALID_ID,
        "phone": "138-1234-5678",
        "address": ADDRESS,
    }
    values.update(overrides)
    return person_create(actor=city.registrar, **values)


def _all_stored_text() -> str:
    with connection.cursor() as cursor:
        dump = []
        for table in ("pii_person", "audit_auditentry"):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - fixed table names
            dump += cursor.fetchall()
    return json.dumps(dump, default=str, ensure_ascii=False)


def test_person_is_stored_encrypted_with_masks_and_hashes(city: City) -> None:
    person = _person(city)
    stored = _all_stored_text()
    for clear in ("张三", VALID_ID, "13812345678", "红旗路"):
        assert clear not in stored
    assert (person.id_number_masked, person.phone_masked) == ("2304**********1237", "138****5678")
    assert person.address_masked == "黑龙江省鹤岗市向阳区****"
    assert person.name_masked == "张*"
    assert (person.unit_id, person.region_id) == (city.court.pk, "230402")
    created = AuditEntry.objects.get(action="person.create")
    assert created.person_ref == person.pk
    assert open_personal(created.personal, person)["id_number"] == VALID_ID


def test_bad_input_names_each_field_and_stores_nothing(city: City) -> None:
    with pytest.raises(ValidationError) as failed:
        _person(city, name=" ", id_number="230402199001011234", phone="12345")
    assert set(failed.value.message_dict) == {"name", "id_number", "phone"}
    assert "GB 11643-1999" in failed.value.message_dict["id_number"][0]
    assert Person.objects.count() == 0 and AuditEntry.objects.count() == 0


def test_duplicate_id_number_is_refused(city: City) -> None:
    _person(city)
    with pytest.raises(ValidationError) as failed:
        _person(city, id_number=VALID_ID.lower())
    assert "id_number" in failed.value.message_dict
    assert Person.objects.count() == 1


@pytest.mark.parametrize("role", ["citizen", "anonymous"])
def test_citizens_and_anonymous_cannot_register_people(city: City, role: str) -> None:
    from django.contrib.auth.models import AnonymousUser

    actor = city.citizen if role == "citizen" else AnonymousUser()
    with pytest.raises(PermissionDenied):
        person_create(actor=actor, name="张三", id_number=VALID_ID)
    assert Person.objects.count() == 0 and AuditEntry.objects.count() == 0


def test_find_by_id_number_through_the_blind_index(city: City) -> None:
    person = _person(city)
    _person(city, name="李四", id_number=OTHER_ID, phone="0468-3451234")
    assert person_find_by_id_number(actor=city.judge, id_number=" 230402199001011237 ") == person
    assert person_find_by_phone(actor=city.judge, phone="+86 138 1234 5678") == [person]
    # The outsider, a judge of another court, finds nothing.
    assert person_find_by_id_number(actor=city.outsider_judge, id_number=VALID_ID) is None
    with pytest.raises(ValidationError) as failed:
        person_find_by_id_number(actor=city.judge, id_number="123")
    assert "id_number" in failed.value.message_dict


def test_reveal_gives_clear_text_and_audits_the_view(city: City) -> None:
    person = _person(city)
    before = AuditEntry.objects.count()
    assert (
        reveal(actor=city.judge, person=person, field="id_number", purpose="立案审查") == VALID_ID
    )
    assert reveal(actor=city.judge, person=person, field="phone", purpose="送达") == "13812345678"
    views = AuditEntry.objects.filter(action="pii.view").order_by("id")
    assert AuditEntry.objects.count() == before + 2
    assert [(v.actor_id, v.subject_id, v.new["field"]) for v in views] == [
        (city.judge.pk, str(person.pk), "id_number"),
        (city.judge.pk, str(person.pk), "phone"),
    ]
    assert VALID_ID not in _all_stored_text()


@pytest.mark.parametrize("who", ["citizen", "grid_worker", "operator", "outsider_judge"])
def test_reveal_is_denied_and_changes_nothing(city: City, who: str) -> None:
    person = _person(city)
    before = list(AuditEntry.objects.values_list("id", flat=True))
    with pytest.raises(PermissionDenied):
        reveal(actor=getattr(city, who), person=person, field="id_number", purpose="查看")
    assert list(AuditEntry.objects.values_list("id", flat=True)) == before


@pytest.mark.parametrize(
    ("field", "purpose", "error_field"),
    [("salary", "x", "field"), ("phone", " ", "purpose"), ("phone", f"核对{VALID_ID}", "purpose")],
)
def test_reveal_bad_input_names_the_field(
    city: City, field: str, purpose: str, error_field: str
) -> None:
    person = _person(city)
    with pytest.raises(ValidationError) as failed:
        reveal(actor=city.judge, person=person, field=field, purpose=purpose)
    assert error_field in failed.value.message_dict
    assert not AuditEntry.objects.filter(action="pii.view").exists()


def test_erasing_the_key_keeps_the_chain_and_makes_the_payload_unreadable(city: City) -> None:
    person = _person(city)
    reveal(actor=city.judge, person=person, field="address", purpose="送达")
    created = AuditEntry.objects.get(action="person.create")
    assert audit_entry_personal(actor=city.admin, entry=created, purpose="调查") == {
        "address": ADDRESS,
        "id_number": VALID_ID,
        "name": "张三",
        "phone": "13812345678",
    }
    erased = person_erase_key(actor=city.admin, person=person, reason="《个人信息保护法》第47条")
    assert verify_log().intact
    created.refresh_from_db()
    assert created.personal  # the sealed bytes stay, so the hash chain is unchanged
    with pytest.raises(PersonalDataErased):
        open_personal(created.personal, erased)
    assert audit_entry_personal(actor=city.admin, entry=created, purpose="调查") is None
    assert (erased.id_number, erased.id_number_hash, erased.data_key_wrapped) == ("", None, "")
    assert person_find_by_id_number(actor=city.judge, id_number=VALID_ID) is None
    with pytest.raises(PersonalDataErased):
        reveal(actor=city.judge, person=erased, field="name", purpose="送达")
    with pytest.raises(PersonalDataErased):  # an object loaded before the erasure
        reveal(actor=city.judge, person=person, field="name", purpose="送达")


def test_only_the_platform_admin_may_erase(city: City) -> None:
    person = _person(city)
    with pytest.raises(PermissionDenied):
        person_erase_key(actor=city.judge, person=person, reason="x")
    with pytest.raises(ValidationError) as failed:
        person_erase_key(actor=city.admin, person=person, reason=" ")
    assert "reason" in failed.value.message_dict
    person.refresh_from_db()
    assert person.data_key_wrapped and not person.is_erased


def test_audit_personal_payload_is_admin_only(city: City) -> None:
    _person(city)
    created = AuditEntry.objects.get(action="person.create")
    count = AuditEntry.objects.count()
    with pytest.raises(PermissionDenied):
        audit_entry_personal(actor=city.judge, entry=created, purpose="x")
    assert AuditEntry.objects.count() == count


def test_unknown_region_code_is_refused(city: City) -> None:
    with pytest.raises(ValidationError) as failed:
        _person(city, region_code="999999")
    assert "region_code" in failed.value.message_dict
    assert Person.objects.count() == 0 and AuditEntry.objects.count() == 0
