"""The commission's walk in headless Chromium: the scores of the year, one unit's annual
review report with its formulas, a refused target (values kept) and a saved one.
Runs in the PostgreSQL pass (marker ``browser``); screenshots go to var/screenshots/."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser import shot, signed_in
from tests.insight.test_responsibility_pages import city_commission
from tests.insight.test_responsibility_scoring import YEAR, build_scored
from tests.org.mini_city import MiniCity
from zhengfa.insight.responsibility.models import Target

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDE_SCREEN = {"width": 1400, "height": 1000}


def test_the_commission_reads_a_report_and_sets_a_target(
    browser: Any, live_server: Any, mini_city: MiniCity
) -> None:
    units = build_scored(mini_city)
    user = city_commission()
    page = signed_in(browser, live_server.url, user.username, WIDE_SCREEN)
    page.goto(f"{live_server.url}/insight/responsibility/?year={YEAR}")
    assert page.locator("#responsibility-scores tbody tr").count() == len(units)
    shot(page, "responsibility-scores")
    page.click(f"#responsibility-scores a:has-text('{units[1].name}')")
    assert page.locator("#review-lines tbody tr").count() == 8
    assert "100 × max(0, 1" in page.inner_text("#review-lines")
    page.select_option("#id_indicator", "mediation_success")
    page.fill("#id_target_value", "130")
    page.fill("#id_weight", "20")
    page.click("#target-form button[type=submit]")
    assert "between 0 and 100" in page.inner_text("#target-form")
    assert page.input_value("#id_target_value") == "130"
    shot(page, "responsibility-report")
    page.fill("#id_target_value", "88")
    page.click("#target-form button[type=submit]")
    page.wait_for_url(f"**/insight/responsibility/{units[1].code}/{YEAR}/")
    target = Target.objects.get(unit=units[1], year=YEAR, indicator="mediation_success")
    assert str(target.target_value) == "88.00"
