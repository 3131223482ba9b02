from __future__ import annotations

from django.contrib.auth.models import Permission
from django.db import transaction
from django.test import Client

from tests.pii.fixtures import VALID_ID, City
from zhengfa.audit.models import AuditEntry
from zhengfa.audit.services import audit_record
from zhengfa.pii.services import person_create


def _staff_client(user: object, *permissions: str) -> Client:
    user.is_staff = True  # type: ignore[attr-defined]
    user.save()  # type: ignore[attr-defined]
    for codename in permissions:
        user.user_permissions.add(Permission.objects.get(codename=codename))  # type: ignore[attr-defined]
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_platform_admin_reads_the_log_without_sealed_data(city: City) -> None:
    person_create(actor=city.judge, name="张三", id_number=VALID_ID, phone="13812345678")
    with transaction.atomic():
        audit_record(actor=city.judge, action="unit.touch", subject=city.court)
    client = _staff_client(city.admin, "view_auditentry")
    page = client.get("/admin/audit/auditentry/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "person.create" in body and "unit.touch" in body
    entry = AuditEntry.objects.get(action="person.create")
    detail = client.get(f"/admin/audit/auditentry/{entry.pk}/change/").content.decode()
    assert entry.personal not in detail and "zfp1:" not in detail and VALID_ID not in detail


def test_other_roles_see_no_audit_log_and_nothing_changes(city: City) -> None:
    with transaction.atomic():
        audit_record(actor=city.judge, action="unit.touch", subject=city.court)
    client = _staff_client(city.judge, "view_auditentry", "change_auditentry", "delete_auditentry")
    count = AuditEntry.objects.count()  # after the login, which is audited
    assert client.get("/admin/audit/auditentry/").status_code == 403
    entry = AuditEntry.objects.get(action="unit.touch")
    assert (
        client.post(f"/admin/audit/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert AuditEntry.objects.count() == count
