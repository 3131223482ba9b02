from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.api.conftest import PASSWORD, World
from zhengfa.audit.models import AuditEntry
from zhengfa.org.roles import Role
from zhengfa.web.roles import ROLE_DUTIES

SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)


def test_anonymous_visitors_are_sent_to_sign_in(db: None) -> None:
    for url in ("/", "/map/"):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


def test_sign_in_page_is_chinese_with_a_csrf_token_and_the_demo_banner(db: None) -> None:
    page = Client().get("/login/").content.decode()
    assert "csrfmiddlewaretoken" in page
    assert "演示数据 / demo data" in page
    assert "<h1>登录</h1>" in page


def test_demo_banner_can_be_turned_off(db: None, settings: object) -> None:
    settings.ZHENGFA_DEMO_BANNER = False  # type: ignore[attr-defined]
    assert "演示数据 / demo data" not in Client().get("/login/").content.decode()


def test_sign_in_with_a_wrong_password_keeps_the_username_and_is_audited_as_failed(
    world: World,
) -> None:
    response = Client().post("/login/", {"username": "judge", "password": "wrong"})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="judge"' in page
    assert 'role="alert"' in page
    assert not AuditEntry.objects.filter(action="auth.login").exists()
    assert AuditEntry.objects.filter(action="auth.login_failed").count() == 1


def test_sign_in_is_audited_and_lands_on_home(world: World) -> None:
    client = Client()
    response = client.post("/login/", {"username": "judge", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"
    entry = AuditEntry.objects.get(action="auth.login")
    assert entry.actor_id == world.users[Role.JUDGE].pk
    assert "法官" in client.get("/").content.decode()


def test_sign_in_page_refuses_a_post_without_csrf(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "judge", "password": PASSWORD})
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action="auth.login").exists()


@pytest.mark.parametrize("role", Role.values)
def test_every_role_has_a_home_page_saying_what_it_does(world: World, role: str) -> None:
    page = world.client_for(role).get("/").content.decode()
    assert str(ROLE_DUTIES[role]) in page
    assert world.users[role].get_role_display() in page


def test_home_links_the_map_but_not_admin_for_a_judge(world: World) -> None:
    page = world.client_for(Role.JUDGE).get("/").content.decode()
    assert 'href="/map/"' in page
    assert 'href="/admin/"' not in page
    admin_page = world.client_for(Role.PLATFORM_ADMIN).get("/").content.decode()
    assert 'href="/admin/"' in admin_page


def test_the_language_switch_turns_pages_english_and_back(world: World) -> None:
    client = world.client_for(Role.JUDGE)
    assert "网格地图" in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get("/").content.decode()
    assert "Grid map" in english and "网格地图" not in english
    assert '<html lang="en">' in english
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "网格地图" in client.get("/").content.decode()


def test_the_switch_is_on_every_page(world: World) -> None:
    for client, url in ((Client(), "/login/"), (world.client_for(Role.JUDGE), "/map/")):
        page = client.get(url).content.decode()
        assert 'action="/i18n/setlang/"' in page
        assert 'name="language" value="en"' in page


def test_map_page_loads_leaflet_locally_and_has_no_inline_script(world: World) -> None:
    page = world.client_for(Role.COMMISSION).get("/map/").content.decode()
    assert 'data-grids-url="/api/v1/grids"' in page
    assert "/static/web/vendor/leaflet/leaflet.js" in page
    for attributes in SCRIPT_TAG.findall(page):
        assert "src=" in attributes or 'type="application/json"' in attributes, attributes
    assert "http://" not in page and "https://" not in page


def test_map_page_carries_no_grid_data_itself(world: World) -> None:
    """The polygons come from the scoped API; the page must not embed any."""
    page = world.client_for("outsider").get("/map/").content.decode()
    assert world.home.grid.code not in page
    assert world.away.grid.code not in page


def test_tile_layer_is_configurable(world: World, settings: object) -> None:
    settings.ZHENGFA_TILE_URL = "/tiles/{z}/{x}/{y}.png"  # type: ignore[attr-defined]
    page = world.client_for(Role.COMMISSION).get("/map/").content.decode()
    assert 'data-tile-url="/tiles/{z}/{x}/{y}.png"' in page


def test_log_out_is_a_post(world: World) -> None:
    client = world.client_for(Role.JUDGE)
    assert client.get("/logout/").status_code == 405
    assert client.post("/logout/").status_code == 302
    assert client.get("/").status_code == 302


def test_healthz(db: None) -> None:
    response = Client().get("/healthz")
    assert response.json()["status"] == "ok"


def test_home_links_the_work_of_each_role(world: World) -> None:
    judge = world.client_for(Role.JUDGE).get("/").content.decode()
    assert 'href="/flow/"' in judge and 'href="/flow/overdue/"' not in judge
    president = world.client_for(Role.COURT_PRESIDENT).get("/").content.decode()
    assert 'href="/flow/approvals/"' in president
    citizen = world.client_for(Role.CITIZEN).get("/").content.decode()
    assert 'href="/flow/' not in citizen and 'href="/map/"' not in citizen.split("<main")[1]


def test_api_docs_are_served_without_a_cdn(db: None) -> None:
    page = Client().get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
