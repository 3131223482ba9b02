"""The commission dashboard in headless Chromium: figures with their formulas and the
server-drawn weekly charts, with no script on the page.

Runs once, in the PostgreSQL pass (marker ``browser``), on the mini city.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.insight.world import build_world
from tests.org.mini_city import PASSWORD, MiniCity
from zhengfa.insight.refresh import rebuild
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
def history(transactional_db: None, mini_city: MiniCity) -> None:
    """Written before the browser starts: Playwright's sync API runs an event loop."""
    build_world(mini_city, matters=150, changes=100)
    rebuild()


def test_commission_dashboard_shows_figures_formulas_and_charts(
    live_server: Any, mini_city: MiniCity, history: None, browser: Any
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", mini_city.users[Role.COMMISSION].username)
    page.fill("#id_password", PASSWORD)
    page.click("button.primary")
    page.goto(f"{live_server.url}/insight/dashboards/commission/?since=2025-01-01&until=2026-06-30")
    figures = page.locator(".figure")
    assert figures.count() == 7
    clearance = page.locator('[data-figure="major_clearance"]')
    assert "八类主要刑事案件破案率" in clearance.inner_text()
    assert "/" in clearance.locator(".figure-formula").inner_text()
    assert page.locator("svg.chart rect").count() > 0
    assert page.locator("script:not([src])").count() == 0
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "insight-dashboard-commission.png"), full_page=True)
