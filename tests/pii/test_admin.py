from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.models import Permission
from django.test import Client

from tests.pii.fixtures import OTHER_ID, VALID_ID, City
from zhengfa.audit.models import AuditEntry
from zhengfa.pii.models import Person
from zhengfa.pii.services import person_create


def _staff_client(user: object) -> Client:
    user.is_staff = True  # type: ignore[attr-defined]
    user.save()  # type: ignore[attr-defined]
    for codename in ("view_person", "change_person", "delete_person"):
        user.user_permissions.add(Permission.objects.get(codename=codename))  # type: ignore[attr-defined]
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_admin_lists_people_in_scope_masked_and_read_only(city: City) -> None:
    mine = person_create(actor=city.judge, name="张三", id_number=VALID_ID, phone="13812345678")
    theirs = person_create(actor=city.outsider_judge, name="李四", id_number=OTHER_ID)
    client = _staff_client(city.judge)
    body = client.get("/admin/pii/person/").content.decode()
    assert "2304**********1237" in body and "138****5678" in body
    assert "2304**********4565" not in body  # the other court's person
    for secret in (VALID_ID, "13812345678", "张三", "zf1:"):
        assert secret not in body
    detail = client.get(f"/admin/pii/person/{mine.pk}/change/")
    assert detail.status_code == 200 and VALID_ID not in detail.content.decode()
    assert client.get(f"/admin/pii/person/{theirs.pk}/change/").status_code in (302, 403, 404)
    assert client.post(f"/admin/pii/person/{mine.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Person.objects.count() == 2


def _export_action(client: Client, person: Person, **extra: str) -> Any:
    data = {"action": "export_personal_data", "_selected_action": str(person.pk), **extra}
    return client.post("/admin/pii/person/", data)


def test_the_platform_admin_exports_one_person_with_a_reason_from_the_admin(city: City) -> None:
    person = person_create(actor=city.judge, name="张三", id_number=VALID_ID, phone="13812345678")
    client = _staff_client(city.admin)
    form = _export_action(client, person)
    assert form.status_code == 200 and 'name="reason"' in form.content.decode()
    kept = _export_action(client, person, apply="1", reason="13812345678")  # personal data
    assert "errorlist" in kept.content.decode() and 'value="13812345678"' in kept.content.decode()
    assert not AuditEntry.objects.filter(action="pii.export").exists()

    done = _export_action(client, person, apply="1", reason="申请编号 DSR-7")
    assert done["Content-Disposition"] == f'attachment; filename="person-{person.pk}-export.json"'
    export = json.loads(done.content)
    assert (export["person"]["id_number"], export["reason"]) == (VALID_ID, "申请编号 DSR-7")
    assert AuditEntry.objects.filter(action="pii.export", actor_id=city.admin.pk).count() == 1


def test_other_staff_have_no_export_action(city: City) -> None:
    person = person_create(actor=city.judge, name="张三", id_number=VALID_ID)
    client = _staff_client(city.judge)
    assert "export_personal_data" not in client.get("/admin/pii/person/").content.decode()
    response = _export_action(client, person, apply="1", reason="DSR-8")
    assert VALID_ID not in response.content.decode()
    assert not AuditEntry.objects.filter(action="pii.export").exists()
