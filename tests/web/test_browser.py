"""The grid map in headless Chromium, on a live server holding the whole demo city.

Runs once, in the PostgreSQL pass (marker ``browser``). Debian's chromium is driven by
Playwright; Playwright's own browser download cannot work here.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.browser import signed_in
from tests.org.mini_city import MiniCity
from zhengfa.org.demo.build import demo_city_build
from zhengfa.org.roles import Role
from zhengfa.org.selectors import demo_password

pytestmark = pytest.mark.browser

DEMO_GRIDS = 3380


@pytest.fixture
def demo_city(transactional_db: None) -> None:
    demo_city_build(actor=None, seed=2304)


def _demo_sign_in(browser: Any, base: str, username: str) -> Any:
    """A page signed in as a demo city user, whose password is their own."""
    return signed_in(browser, base, username, password=demo_password(username))


def _map_counts(page: Any, base: str) -> tuple[int, int]:
    """(polygons the map drew, features the API returns to the same session)."""
    page.goto(f"{base}/map/")
    page.wait_for_selector("#grid-map[data-drawn]", timeout=120_000)
    drawn = page.get_attribute("#grid-map", "data-drawn")
    api = json.loads(page.request.get(f"{base}/api/v1/grids").text())
    return int(drawn), len(api["features"])


def test_the_map_draws_every_grid_the_api_gives_each_user(
    live_server: Any, demo_city: None, browser: Any
) -> None:
    commission = _demo_sign_in(browser, live_server.url, Role.COMMISSION)
    drawn, returned = _map_counts(commission, live_server.url)
    assert drawn == returned == DEMO_GRIDS
    assert commission.locator(".map-legend li").count() == 8  # 6 districts, 2 counties
    assert "3380" in commission.inner_text("#map-status")

    operator = _demo_sign_in(browser, live_server.url, Role.CENTRE_OPERATOR)
    drawn, returned = _map_counts(operator, live_server.url)
    assert 0 < drawn == returned < DEMO_GRIDS

    citizen = _demo_sign_in(browser, live_server.url, Role.CITIZEN)
    drawn, returned = _map_counts(citizen, live_server.url)
    assert drawn == returned == 0


def test_the_language_switch_in_the_browser(
    live_server: Any, transactional_db: None, mini_city: MiniCity, browser: Any
) -> None:
    admin = mini_city.users[Role.PLATFORM_ADMIN]
    page = signed_in(browser, live_server.url, admin.username)
    assert page.inner_text("h1").startswith("您好")
    page.click("button[name=language][value=en]")
    page.wait_for_selector("html[lang=en]")
    assert page.inner_text("h1").startswith("Welcome")
    page.goto(f"{live_server.url}/map/")
    assert page.inner_text("h1") == "Grid map"
    page.keyboard.press("Tab")  # the skip link comes first for keyboard users
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.click("button[name=language][value=zh-hans]")
    page.wait_for_selector("html[lang=zh-Hans]")
    assert page.inner_text("h1") == "网格地图"
