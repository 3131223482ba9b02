"""In headless Chromium on a phone-sized screen: a grid worker inspects a site against a
fire campaign's checklist, picks the place on the map with the keyboard, reports a major
hazard with a photo, and sees it due by 23:59 today; the county commission then finds it
on the risk ledger and on the hazard map. Runs in the PostgreSQL pass (``browser``)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.browser import PHONE_SCREEN, shot, signed_in
from tests.hazards.conftest import jpeg, seed_themes_and_limits
from tests.org.mini_city import COUNTY_A, MiniCity
from zhengfa.flow.common import legal_day
from zhengfa.hazards.models import Campaign, Hazard
from zhengfa.hazards.services.campaigns import campaign_create
from zhengfa.org.roles import Role

pytestmark = pytest.mark.browser


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


def test_an_inspection_on_a_phone_then_the_ledger_and_the_map(
    live_server: Any, mini_city: MiniCity, browser: Any, tmp_path: Path, settings: Any
) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    campaign = _campaign(mini_city)
    base = live_server.url
    worker = signed_in(browser, base, mini_city.users[Role.GRID_WORKER].username, PHONE_SCREEN)
    worker.goto(f"{base}/hazards/")
    worker.click(f"a[href='/hazards/campaigns/{campaign.pk}/inspect/']")
    worker.wait_for_selector("#pick-map[data-ready='true']")
    assert worker.evaluate("document.documentElement.scrollWidth") <= PHONE_SCREEN["width"]
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
    shot(worker, "hazards-inspect-phone")
    worker.click("button.primary")
    worker.wait_for_url(f"{base}/hazards/*/")
    hazard = Hazard.objects.get()
    assert hazard.severity == "major" and hazard.photos.count() == 1
    assert "23:59" in worker.inner_text("#due")
    assert worker.evaluate("document.documentElement.scrollWidth") <= PHONE_SCREEN["width"]
    shot(worker, "hazards-hazard-phone")

    commission = signed_in(browser, base, mini_city.users[Role.COMMISSION].username)
    commission.goto(f"{base}/hazards/ledger/?level=grid")
    assert "疏散通道堆放纸箱" in commission.inner_text("#ledger-entries")
    assert "每一项都有负责人" in commission.inner_text("#owner-check")
    assert hazard.matter.grid.code in commission.inner_text("#ledger-places")
    shot(commission, "hazards-ledger")
    commission.goto(f"{base}/hazards/map/")
    commission.wait_for_selector("#hazard-map[data-feature-count='1']")
    shot(commission, "hazards-map")
