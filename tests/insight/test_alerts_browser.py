"""The alert page in headless Chromium: the commission opens the strongest alert from the
list, sees the SVG chart (bars, expected and upper bound lines) and the reason, and the
centre operator turns it into a task list that lands on the joint analysis page.

Runs once, in the PostgreSQL pass (marker ``browser``), on the mini city.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import time_machine

from tests.insight.test_alerts import NOW, TESTED, plant_history
from tests.org.mini_city import COUNTY_A, PASSWORD, MiniCity
from zhengfa.insight.alerts import services
from zhengfa.insight.alerts.models import TrendAlert
from zhengfa.org.roles import Role

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture
def browser() -> Iterator[Any]:
    if not shutil.which(CHROMIUM):
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def detected(transactional_db: None, mini_city: MiniCity) -> TrendAlert:
    """Written before the browser starts: Playwright's sync API runs an event loop."""
    grid = mini_city.grids[COUNTY_A][0]
    plant_history([grid], mini_city.courts[COUNTY_A], seed=11, rises={(grid.code, "dispute"): 30})
    with time_machine.travel(NOW, tick=False):
        services.detection_run(week=TESTED)
    return TrendAlert.objects.get(area_level="grid", area_code=grid.code)


def _login(browser: Any, url: str, username: str) -> Any:
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page.goto(f"{url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button.primary")
    return page


def test_alert_page_shows_the_chart_and_issues_a_task_list(
    live_server: Any, mini_city: MiniCity, detected: TrendAlert, browser: Any
) -> None:
    page = _login(browser, live_server.url, mini_city.users[Role.COMMISSION].username)
    page.goto(f"{live_server.url}/insight/alerts/?week=2026-W14")
    page.click(f"a[href='/insight/alerts/{detected.pk}/']")
    assert page.locator("svg rect.bar.tested").count() == 1
    assert page.locator("svg rect.bar.baseline").count() > 20
    assert page.locator("svg line.upper").count() == 1
    assert detected.reason_zh in page.inner_text("#reason")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "insight-alert.png"), full_page=True)
    assert page.locator("#tasks-form").count() == 0  # the commission here has no centre unit

    operator = _login(browser, live_server.url, mini_city.users[Role.CENTRE_OPERATOR].username)
    operator.goto(f"{live_server.url}/insight/alerts/{detected.pk}/")
    operator.fill("#id_decision", "集中排查劳资纠纷")
    operator.fill("#id_tasks", f"{mini_city.centres[COUNTY_A].code} | 7 | 排查成因")
    operator.click("#tasks-form button[type=submit]")
    operator.wait_for_url("**/disputes/analyses/*/")
    assert "趋势预警" in operator.inner_text("h1") and "排查成因" in operator.content()
    operator.goto(f"{live_server.url}/insight/alerts/{detected.pk}/")  # listed on the alert
    assert operator.locator("a[href^='/disputes/analyses/']").count() == 1
