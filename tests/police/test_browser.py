"""In headless Chromium: a citizen's noise complaint is diverted to the environment bureau
(the page says so) and the bureau's liaison closes it there; a burglary call is recorded
at the station's desk, dispatched and arrives on its minute clocks; a roster is generated
and shown on the map by block. Runs in the PostgreSQL pass (``browser``)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser import PHONE_SCREEN, shot, signed_in
from tests.police.conftest import INSIDE_A, PoliceWorld, make_user
from zhengfa.flow.models import ClockState
from zhengfa.org.roles import Role
from zhengfa.police.models import Incident, Referral, Roster

pytestmark = pytest.mark.browser


def test_a_noise_complaint_is_diverted_and_closed_by_the_department(
    live_server: Any, police: PoliceWorld, browser: Any
) -> None:
    base = live_server.url
    citizen = signed_in(browser, base, police.citizen.username, PHONE_SCREEN)
    citizen.goto(f"{base}/police/report/")
    citizen.select_option("#id_category", "non_police")
    citizen.fill("#id_description", "楼下广场舞噪音扰民到深夜")
    citizen.fill("#id_lon", str(INSIDE_A[0]))
    citizen.fill("#id_lat", str(INSIDE_A[1]))
    citizen.keyboard.press("Enter")
    citizen.wait_for_selector("#report-result")
    assert "鹤岗市生态环境局" in citizen.inner_text("#report-result")
    assert citizen.evaluate("document.documentElement.scrollWidth") <= PHONE_SCREEN["width"]
    shot(citizen, "police-report-diverted-phone")
    referral = Referral.objects.get()
    assert referral.rule == police.noise_rule
    liaison = signed_in(browser, base, police.liaison.username)
    liaison.goto(f"{base}/police/referrals/")
    row = f"tr[data-referral='{referral.pk}']"
    assert "社会生活噪声" in liaison.inner_text(row)
    liaison.fill(f"#outcome-{referral.pk}", "已约谈组织者,限定音量和时段")
    liaison.click(f"{row} button[type='submit']")
    liaison.wait_for_url(f"{base}/police/referrals/")
    shot(liaison, "police-referral-closed")
    referral.matter.refresh_from_db()
    assert referral.matter.status == "closed"
    assert "已约谈组织者" in liaison.inner_text(row)


def test_a_burglary_is_dispatched_and_arrives_on_its_clock(
    live_server: Any, police: PoliceWorld, browser: Any
) -> None:
    base = live_server.url
    desk = signed_in(browser, base, police.officer.username)
    desk.goto(f"{base}/police/")
    desk.select_option("#id_category", "criminal")
    desk.fill("#id_description", "入室盗窃,家中现金被盗")
    desk.fill("#id_lon", "100")  # outside the city: refused, values kept
    desk.fill("#id_lat", str(INSIDE_A[1]))
    desk.click("form.police-form button[type='submit']")
    assert "outside every grid" in desk.inner_text("form.police-form")
    assert desk.input_value("#id_description") == "入室盗窃,家中现金被盗"
    desk.fill("#id_lon", str(INSIDE_A[0]))
    desk.click("form.police-form button[type='submit']")
    incident = Incident.objects.get()
    row = f"tr[data-incident='{incident.pk}']"
    desk.wait_for_selector(row)
    for label in ("派警", "到场"):
        desk.click(f"{row} button:has-text('{label}')")
        desk.wait_for_url(f"{base}/police/")
    shot(desk, "police-desk-on-scene")
    clocks = {c.purpose: c for c in incident.matter.clocks.all()}
    for purpose in ("stage:received", "stage:dispatched"):
        clock = clocks[purpose]
        assert clock.state == ClockState.STOPPED and clock.stopped_at <= clock.due_at
    assert clocks["overall"].state == ClockState.RUNNING


def test_a_roster_is_generated_and_shown_on_the_map(
    live_server: Any, police: PoliceWorld, browser: Any
) -> None:
    for n in range(7):
        make_user(f"officer-{n}", Role.POLICE_OFFICER, police.officer.unit)
    base = live_server.url
    page = signed_in(browser, base, police.officer.username)
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text))
    page.goto(f"{base}/police/rosters/")
    page.fill("#id_starts_on", "2026-11-16")
    page.click("form.police-form button[type='submit']")  # 8 officers cannot keep 2 on duty
    assert "minimum officers on duty" in page.inner_text("form.police-form")
    assert not Roster.objects.exists()
    page.fill("#id_min_on_duty", "1")
    page.click("form.police-form button[type='submit']")
    page.wait_for_selector("#roster-map[data-patrolled]", timeout=120_000)
    roster = Roster.objects.get()
    assert page.url.endswith(f"/police/rosters/{roster.pk}/")
    assert int(page.get_attribute("#roster-map", "data-patrolled") or 0) > 0
    page.select_option("#roster-hour", "04:00")
    # A locator wait, not wait_for_function: the page's CSP forbids the eval it would need.
    expect(page.locator("#map-status")).to_have_text(re.compile(r"^04"))
    shot(page, "police-roster-map")
    assert not [e for e in errors if "Error" in e]
