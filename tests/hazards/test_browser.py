"""In headless Chromium on a phone-sized screen: a grid worker inspects a site against a
fire campaign's checklist, picks the place on the map with the keyboard, reports a major
hazard with a photo, and sees it due by 23:59 today; the county commission then finds it
on the risk ledger and on the hazard map. Runs in the PostgreSQL pass (``browser``)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.hazards.conftest import jpeg, seed_themes_and_limits
from tests.org.mini_city import COUNTY_A, PASSWORD, MiniCity
from zhengfa.flow.common import legal_day
from zhengfa.hazards.models import Campaign, Hazard
from zhengfa.hazards.services.campaigns import campaign_create
from zhengfa.org.roles import Role

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    # Playwright's sync API runs an event loop in this thread; the test's own ORM reads
    # are still synchronous, so Django's async guard is lifted for the test only.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "1")
    if not shutil.which(CHROMIUM):
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def _campaign(city: MiniCity) -> Campaign:
    seed_themes_and_limits()  # a live-server test runs on a flushed database
    today = legal_day()
    return campaign_create(
        actor=city.users[Role.COMMISSION],
        theme="fire",
        name="冬季消防安全专项行动",
        region_code=COUNTY_A,
        starts_on=today - timedelta(days=3),
        ends_on=today + timedelta(days=60),
        lead_unit=city.centres[COUNTY_A].code,
        units=[city.centres[COUNTY_A].code, city.centres[f"{COUNTY_A}001"].code],
    )


def _sign_in(browser: Any, base: str, username: str, viewport: dict[str, int]) -> Any:
    page = browser.new_page(viewport=viewport, locale="zh-CN")
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(f"{base}/")
    return page


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"hazards-{name}.png"), full_page=True)


def test_an_inspection_on_a_phone_then_the_ledger_and_the_map(
    live_server: Any, mini_city: MiniCity, browser: Any, tmp_path: Path, settings: Any
) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    campaign = _campaign(mini_city)
    base = live_server.url
    worker = _sign_in(browser, base, mini_city.users[Role.GRID_WORKER].username, PHONE)
    worker.goto(f"{base}/hazards/")
    worker.click(f"a[href='/hazards/campaigns/{campaign.pk}/inspect/']")
    worker.wait_for_selector("#pick-map[data-ready='true']")
    assert worker.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    first = campaign.items.first()
    assert first is not None
    worker.fill("#id_site", "向阳超市")
    worker.check(f"input[name='result_{first.pk}'][value='hazard']")
    assert worker.is_visible(f"#id_description_{first.pk}")  # the finding opened
    worker.select_option(f"#id_severity_{first.pk}", "major")
    worker.fill(f"#id_description_{first.pk}", "疏散通道堆放纸箱")
    scene = tmp_path / "scene.jpg"
    scene.write_bytes(jpeg((64, 48)))
    worker.set_input_files(f"#id_photos_{first.pk}", str(scene))
    worker.click("button.primary")  # no place picked yet: refused, values kept
    assert "在地图上点选" in worker.inner_text(".phone")
    assert worker.input_value(f"#id_description_{first.pk}") == "疏散通道堆放纸箱"
    worker.wait_for_selector("#pick-map[data-ready='true']")
    worker.focus("#pick-map")
    worker.keyboard.press("Enter")  # the keyboard picks the map's centre: inside the grid
    assert worker.inner_text("#picked").strip()
    worker.set_input_files(f"#id_photos_{first.pk}", str(scene))  # files are never kept
    _shot(worker, "inspect-phone")
    worker.click("button.primary")
    worker.wait_for_url(f"{base}/hazards/*/")
    hazard = Hazard.objects.get()
    assert hazard.severity == "major" and hazard.photos.count() == 1
    assert "23:59" in worker.inner_text("#due")
    assert worker.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _shot(worker, "hazard-phone")

    commission = _sign_in(
        browser, base, mini_city.users[Role.COMMISSION].username, {"width": 1280, "height": 900}
    )
    commission.goto(f"{base}/hazards/ledger/?level=grid")
    assert "疏散通道堆放纸箱" in commission.inner_text("#ledger-entries")
    assert "每一项都有负责人" in commission.inner_text("#owner-check")
    assert hazard.matter.grid.code in commission.inner_text("#ledger-places")
    _shot(commission, "ledger")
    commission.goto(f"{base}/hazards/map/")
    commission.wait_for_selector("#hazard-map[data-feature-count='1']")
    _shot(commission, "map")
