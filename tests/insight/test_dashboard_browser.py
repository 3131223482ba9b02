"""The commission dashboard in headless Chromium: figures with their formulas and the
server-drawn weekly charts, with no script on the page.

Runs once, in the PostgreSQL pass (marker ``browser``), on the mini city.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser import shot, signed_in
from tests.insight.world import build_world
from tests.org.mini_city import MiniCity
from zhengfa.insight.refresh import rebuild
from zhengfa.org.roles import Role

pytestmark = pytest.mark.browser


@pytest.fixture
def history(transactional_db: None, mini_city: MiniCity) -> None:
    """Written before the browser starts: Playwright's sync API runs an event loop."""
    build_world(mini_city, matters=150, changes=100)
    rebuild()


def test_commission_dashboard_shows_figures_formulas_and_charts(
    live_server: Any, mini_city: MiniCity, history: None, browser: Any
) -> None:
    page = signed_in(browser, live_server.url, mini_city.users[Role.COMMISSION].username)
    page.goto(f"{live_server.url}/insight/dashboards/commission/?since=2025-01-01&until=2026-06-30")
    figures = page.locator(".figure")
    assert figures.count() == 7
    clearance = page.locator('[data-figure="major_clearance"]')
    assert "八类主要刑事案件破案率" in clearance.inner_text()
    assert "/" in clearance.locator(".figure-formula").inner_text()
    assert page.locator("svg.chart rect").count() > 0
    assert page.locator("script:not([src])").count() == 0
    shot(page, "insight-dashboard-commission")
