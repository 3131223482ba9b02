"""The service hall in headless Chromium on a phone-sized screen, axe-core accessibility
checks, and the PyPI Open311 client ``georeport`` against the running server.

Runs once, in the PostgreSQL pass (markers ``browser``/``slow``): Debian's chromium driven
by Playwright. axe-core 4.14.1 (MPL-2.0) is vendored in tests/portal/assets.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction

from tests.browser import PHONE_SCREEN, shot, signed_in
from tests.org.mini_city import COUNTY_A, MiniCity
from tests.portal.conftest import PDF, PHONE
from zhengfa.org.models import Grid
from zhengfa.org.roles import Role
from zhengfa.portal.catalogue import read_catalogue
from zhengfa.portal.models import Application, AppStatus, ServiceItem
from zhengfa.portal.open311_services import open311_client_issue

AXE = Path(__file__).parent / "assets" / "axe.min.js"
# Lighthouse's accessibility audits are axe-core rules; these are the WCAG 2 A/AA ones.
AXE_RUN = "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}})"


@pytest.fixture
def catalogue(transactional_db: None) -> None:
    """A live-server test flushes the database; the shipped catalogue is loaded again."""
    if not ServiceItem.objects.exists():
        ServiceItem.objects.bulk_create([ServiceItem(**row) for row in read_catalogue()])


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's findings on the page; the page must be opened with ``bypass_csp=True``,
    because our CSP (rightly) refuses the script tag that brings axe in."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(AXE_RUN)
    return [
        {"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:3]}
        for v in result["violations"]
    ]


def tab_order(page: Any, count: int) -> list[str]:
    """The fields the keyboard reaches, in order, until ``count`` distinct ones (a date
    input takes several Tab presses: day, month, year)."""
    reached: list[str] = []
    for _ in range(count * 4):
        page.keyboard.press("Tab")
        current = page.evaluate("document.activeElement.id || document.activeElement.name")
        if not reached or reached[-1] != current:
            reached.append(current)
        if len(reached) == count:
            break
    return reached


@pytest.mark.browser
def test_a_citizen_applies_on_a_phone_staff_process_it_and_the_citizen_sees_it_done(
    live_server: Any, catalogue: None, mini_city: MiniCity, browser: Any, tmp_path: Path
) -> None:
    base = live_server.url
    material = tmp_path / "户口簿.pdf"
    material.write_bytes(PDF)
    citizen = browser.new_page(
        viewport=PHONE_SCREEN, locale="zh-CN", is_mobile=True, bypass_csp=True
    )
    citizen.goto(f"{base}/portal/items/hh-cert/")
    assert citizen.evaluate("document.documentElement.scrollWidth") <= PHONE_SCREEN["width"]
    assert axe_violations(citizen) == []
    citizen.click("a.primary.button")
    assert axe_violations(citizen) == []
    citizen.fill("#id_name", "王五")
    citizen.fill("#id_phone", PHONE)
    citizen.select_option("#id_region", f"{COUNTY_A}001")
    citizen.set_input_files("#id_attachments", str(material))
    shot(citizen, "portal-apply-phone")
    citizen.click("button.primary")
    citizen.wait_for_selector("#receipt")
    receipt = citizen.inner_text("#receipt")
    assert Application.objects.get(receipt=receipt).attachments.count() == 1

    officer = signed_in(browser, base, f"{Role.POLICE_OFFICER}-{COUNTY_A}")
    officer.goto(f"{base}/portal/desk/")
    officer.click(f"text={receipt}")
    officer.click("button[value=accept]")
    officer.fill("#id_text", "户籍证明已出具")
    officer.click("button[value=complete]")
    officer.wait_for_selector("text=已办结")

    citizen.reload()
    assert "已办结" in citizen.inner_text("#status")
    assert citizen.inner_text("#within")  # finished within the one-hour promise
    application = Application.objects.get(receipt=receipt)
    assert application.status == AppStatus.DONE and application.within_limit is True
    citizen.check("input[name=stars][value='5']")
    citizen.click("button.primary")
    citizen.wait_for_selector("text=5 ★")
    shot(citizen, "portal-done-phone")


@pytest.mark.browser
def test_forms_pass_axe_and_are_reached_by_keyboard_in_order(
    live_server: Any, catalogue: None, mini_city: MiniCity, browser: Any
) -> None:
    page = browser.new_page(viewport=PHONE_SCREEN, locale="en", bypass_csp=True)
    for path in ("/portal/", "/portal/track/", "/portal/signup/", "/portal/accidents/"):
        page.goto(f"{live_server.url}{path}")
        assert axe_violations(page) == [], path
    page.goto(f"{live_server.url}/portal/items/ee-passport-60/apply/")
    assert axe_violations(page) == []
    fields = page.eval_on_selector_all(
        "main form[enctype] :is(input, select, textarea):not([type=hidden])",
        "els => els.map(e => e.id)",
    )
    page.focus("#id_name")
    page.keyboard.press("Shift+Tab")
    assert tab_order(page, len(fields)) == fields
    page.goto(f"{live_server.url}/portal/")
    page.click(".text-size button")
    assert "large-text" in page.get_attribute("body", "class")
    assert axe_violations(page) == []


@pytest.mark.slow
def test_georeport_reads_services_and_requests_and_a_plain_post_creates_one(
    live_server: Any, catalogue: None, mini_city: MiniCity
) -> None:
    import requests
    from georeport import GeoReport

    with transaction.atomic():
        _, key = open311_client_issue(actor=mini_city.users[Role.PLATFORM_ADMIN], name="app")
    grid = Grid.objects.filter(region__code__startswith=COUNTY_A).order_by("code").first()
    assert grid is not None
    root = f"{live_server.url}/open311/v2"
    # Exactly as the specification's example: a form-encoded POST to requests.json.
    created = requests.post(
        f"{root}/requests.json",
        data={
            "api_key": key,
            "service_code": "rep-hazard",
            "lat": str(grid.centroid_lat),
            "long": str(grid.centroid_lon),
            "address_string": "1234 5th street",
            "description": "井盖松动",
        },
        timeout=30,
    )
    assert created.status_code == 201, created.text
    request_id = created.json()[0]["service_request_id"]
    for fmt in ("json", "xml"):
        client = GeoReport(root, output_format=fmt)
        services = client.get_service_list()
        assert "rep-hazard" in {s["service_code"] for s in services}
        definition = client.get_service_definition("rep-hazard")
        assert definition["service_code"] == "rep-hazard"
        found = client.get_service_requests(service_code="rep-hazard")
        rows = found if isinstance(found, list) else [found]
        assert [r["service_request_id"] for r in rows] == [request_id]
    one = GeoReport(root).get_service_request(request_id)
    assert json.dumps(one, ensure_ascii=False).count("井盖松动") == 1
