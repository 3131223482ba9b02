"""The alert page in headless Chromium: the commission opens the strongest alert from the
list, sees the SVG chart (bars, expected and upper bound lines) and the reason, and the
centre operator turns it into a task list that lands on the joint analysis page.

Runs once, in the PostgreSQL pass (marker ``browser``), on the mini city.
"""

from __future__ import annotations

from typing import Any

import pytest
import time_machine

from tests.browser import shot, signed_in
from tests.insight.test_alerts import NOW, TESTED, plant_history
from tests.org.mini_city import COUNTY_A, MiniCity
from zhengfa.insight.alerts import services
from zhengfa.insight.alerts.models import TrendAlert
from zhengfa.org.roles import Role

pytestmark = pytest.mark.browser


@pytest.fixture
def detected(transactional_db: None, mini_city: MiniCity) -> TrendAlert:
    """Written before the browser starts: Playwright's sync API runs an event loop."""
    grid = mini_city.grids[COUNTY_A][0]
    plant_history([grid], mini_city.courts[COUNTY_A], seed=11, rises={(grid.code, "dispute"): 30})
    with time_machine.travel(NOW, tick=False):
        services.detection_run(week=TESTED)
    return TrendAlert.objects.get(area_level="grid", area_code=grid.code)


def test_alert_page_shows_the_chart_and_issues_a_task_list(
    live_server: Any, mini_city: MiniCity, detected: TrendAlert, browser: Any
) -> None:
    page = signed_in(browser, live_server.url, mini_city.users[Role.COMMISSION].username)
    page.goto(f"{live_server.url}/insight/alerts/?week=2026-W14")
    page.click(f"a[href='/insight/alerts/{detected.pk}/']")
    assert page.locator("svg rect.bar.tested").count() == 1
    assert page.locator("svg rect.bar.baseline").count() > 20
    assert page.locator("svg line.upper").count() == 1
    assert detected.reason_zh in page.inner_text("#reason")
    shot(page, "insight-alert")
    assert page.locator("#tasks-form").count() == 0  # the commission here has no centre unit

    operator = signed_in(browser, live_server.url, mini_city.users[Role.CENTRE_OPERATOR].username)
    operator.goto(f"{live_server.url}/insight/alerts/{detected.pk}/")
    operator.fill("#id_decision", "集中排查劳资纠纷")
    operator.fill("#id_tasks", f"{mini_city.centres[COUNTY_A].code} | 7 | 排查成因")
    operator.click("#tasks-form button[type=submit]")
    operator.wait_for_url("**/disputes/analyses/*/")
    assert "趋势预警" in operator.inner_text("h1") and "排查成因" in operator.content()
    operator.goto(f"{live_server.url}/insight/alerts/{detected.pk}/")  # listed on the alert
    assert operator.locator("a[href^='/disputes/analyses/']").count() == 1
