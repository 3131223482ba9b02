"""The admin: platform admins edit the catalogue (audited) and issue Open311 keys."""

from __future__ import annotations

from django.test import Client

from tests.org.mini_city import COUNTY_A, PASSWORD, MiniCity
from zhengfa.audit.models import AuditEntry
from zhengfa.org.roles import Role
from zhengfa.portal.models import Open311Client, ServiceItem
from zhengfa.portal.open311_services import client_for_key


def _client(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def test_admin_edits_an_item_and_the_change_is_audited(mini_city: MiniCity) -> None:
    admin = _client("mini-admin")
    item = ServiceItem.objects.get(code="id-temp")
    page = admin.get(f"/admin/portal/serviceitem/{item.pk}/change/")
    assert page.status_code == 200
    data = {k: v for k, v in page.context["adminform"].form.initial.items() if v is not None}
    data.update({"time_amount": 3, "materials": "户口簿"})
    data = {k: ("on" if v is True else v) for k, v in data.items() if v is not False}
    response = admin.post(f"/admin/portal/serviceitem/{item.pk}/change/", data)
    assert response.status_code == 302, response.content[:500]
    item.refresh_from_db()
    assert item.time_amount == 3
    row = AuditEntry.objects.get(action="portal.serviceitem.change")
    assert '"time_amount":3' in row.new_json.replace(" ", "")


def test_admin_issues_an_open311_key_shown_once(mini_city: MiniCity) -> None:
    admin = _client("mini-admin")
    response = admin.post(
        "/admin/portal/open311client/add/", {"name": "市民随手拍", "contact": "x"}, follow=True
    )
    shown = [str(m) for m in response.context["messages"]]
    key = shown[0].rsplit(": ", 1)[-1]
    client = Open311Client.objects.get()
    assert client_for_key(key) == client and key not in client.key_hash


def test_staff_other_than_the_platform_admin_cannot_edit(mini_city: MiniCity) -> None:
    operator = mini_city.users[Role.CENTRE_OPERATOR]
    operator.is_staff = True
    operator.save()
    client = _client(f"{Role.CENTRE_OPERATOR}-{COUNTY_A}")
    item = ServiceItem.objects.get(code="id-temp")
    assert client.get(f"/admin/portal/serviceitem/{item.pk}/change/").status_code == 403
    assert client.get("/admin/portal/open311client/add/").status_code == 403
