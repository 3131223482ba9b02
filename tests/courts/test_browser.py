"""Issue 5's walk in headless Chromium: a citizen files a civil case online with an
attachment (a refused file first, the values kept), the registrar accepts it, the division
president assigns it, the judge serves, schedules (a hearing on a rest day is refused),
holds the hearing and gives judgment, the registry receives the appeal and transfers the
file, the higher court's registry registers it as 民终, and the citizen follows it on the
public progress page with names masked. Runs in the PostgreSQL pass (marker ``browser``)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.browser import PHONE_SCREEN, shot, signed_in
from tests.courts.test_demo import Silent
from tests.courts.world import Courts
from tests.org.mini_city import password_hash
from zhengfa.courts import reports
from zhengfa.courts.demo import build_demo_courts
from zhengfa.courts.models import CourtCase
from zhengfa.flow.common import legal_day
from zhengfa.org.models import User

pytestmark = pytest.mark.browser

YEAR = (date(2026, 1, 1), date(2026, 12, 31))


def _step(page: Any, name: str, on: str, **fields: str) -> None:
    form = page.locator(f"#step-{name}")
    form.locator(f"#id_{name}-on").fill(on)
    for field, value in fields.items():
        form.locator(f"#id_{name}-{field}").fill(value)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def _people(courts: Courts) -> None:
    names = {"judge1": "王法官", "divpres": "赵庭长", "registrar": "周立案"}
    for user in User.objects.all():
        user.password = password_hash()
        user.full_name = names.get(user.username, user.full_name)
        user.save(update_fields=["password", "full_name"])


def _file_online(browser: Any, base: str, courts: Courts, tmp_path: Path) -> Any:
    citizen = signed_in(browser, base, courts.citizen.username, PHONE_SCREEN)
    citizen.click("text=网上立案 File a case online")
    assert citizen.evaluate("document.documentElement.scrollWidth") <= PHONE_SCREEN["width"]
    citizen.select_option("#id_court", courts.court.code)
    citizen.select_option("#id_procedure", "civil_ordinary")
    citizen.fill("#id_claims", "判令被告支付货款 52000 元及逾期利息")
    citizen.fill("#id_party0_name", "李四光")
    citizen.fill("#id_party0_phone", "13900139000")
    citizen.fill("#id_party1_organisation", "鹤岗某某商贸有限公司")
    fake = tmp_path / "起诉状.pdf"
    fake.write_bytes(b"this is not a pdf")
    citizen.set_input_files("#id_attachments", str(fake))
    citizen.click("button.primary")
    assert "is not a .pdf file" in citizen.inner_text(".has-error")
    assert citizen.input_value("#id_party1_organisation") == "鹤岗某某商贸有限公司"
    shot(citizen, "courts-filing-refused")
    real = tmp_path / "complaint.pdf"
    real.write_bytes("%PDF-1.4\n% 起诉状 李四光\n".encode())
    citizen.set_input_files("#id_attachments", str(real))
    citizen.click("button.primary")
    citizen.wait_for_selector("text=审查中 Under review")
    return citizen


def test_a_civil_case_from_online_filing_to_appeal_transfer(
    live_server: Any, courts: Courts, browser: Any, tmp_path: Path
) -> None:
    _people(courts)
    build_demo_courts(5, Silent(), cases_a_year=60)  # some history for the supervision page
    base = live_server.url
    citizen = _file_online(browser, base, courts, tmp_path)

    registrar = signed_in(browser, base, courts.registrar.username)
    registrar.click("text=立案审查 Filing queue")
    registrar.click("text=判令被告支付货款")
    registrar.click("#accept")
    number = registrar.inner_text("#case-number")
    code = registrar.inner_text("#verification-code")
    assert "黑0402民初" in number and len(code) == 8
    case = CourtCase.objects.get(number=number)

    president = signed_in(browser, base, courts.division_president.username)
    president.goto(f"{base}/courts/cases/{case.pk}/")
    president.select_option("#id_assign-mode", "manual")
    president.select_option("#id_assign-division", str(courts.civil.pk))
    president.select_option("#id_assign-presiding", str(courts.judges[0].pk))
    president.fill("#id_assign-reason", "买卖合同纠纷，熟悉该类案件")
    president.click("#assign-form button")
    assert "王法官" in president.inner_text("#panel")

    judge = signed_in(browser, base, courts.judges[0].username)
    judge.click("text=案件 Cases")
    judge.click(f"text={number}")
    _step(judge, "serve", "2026-11-30")
    _step(judge, "answer", "2026-12-15")
    form = judge.locator("#hearing-form")
    form.locator("#id_hearing-starts_at").fill("2026-12-19T09:00")  # a Saturday
    form.locator("#id_hearing-room").fill("第三法庭")
    form.locator("#id_hearing-summoned_on").fill("2026-12-15")
    form.locator("button").click()
    assert judge.locator("#hearing-form .field-error").count() >= 1
    assert judge.input_value("#id_hearing-room") == "第三法庭"
    judge.fill("#id_hearing-starts_at", "2026-12-21T09:00")
    judge.locator("#hearing-form button").click()
    judge.locator("form[id^=held-] button").click()
    judge.set_input_files("#id_upload-file", str(tmp_path / "complaint.pdf"))
    judge.locator("#upload-form button").click()
    _step(judge, "judgment", "2026-12-28", outcome="判决 支持部分诉讼请求")
    _step(judge, "serve_judgment", "2026-12-30")
    assert judge.inner_text("#stage") == "appeal_period"
    shot(judge, "courts-case-page")
    with judge.expect_download() as download:
        judge.click("#dossier-zip")
    assert download.value.suggested_filename == f"dossier-{case.pk}.zip"

    registrar.goto(f"{base}/courts/cases/{case.pk}/")
    defendant = case.parties.get(side="defendant")
    registrar.select_option("#id_appeal-appellant", str(defendant.pk))
    _step(registrar, "appeal", "2027-01-08")
    _step(registrar, "serve_appeal", "2027-01-11")
    _step(registrar, "close_appeal_answer", "2027-01-26")
    _step(registrar, "transfer", "2027-01-28")
    assert registrar.inner_text("#stage") == "archive"

    higher = signed_in(browser, base, courts.higher_registrar.username)
    higher.click("text=待收上诉案件 Appeals to receive")
    higher.click("text=登记二审立案 Register the appeal")
    assert "黑04民终" in higher.inner_text("#case-number")
    outsider = signed_in(browser, base, courts.outsider.username)
    assert outsider.goto(f"{base}/courts/cases/{case.pk}/").status == 404

    president.goto(f"{base}/courts/supervision/?start={YEAR[0]}&end={YEAR[1]}")
    figures = reports.supervision(courts.division_president, *YEAR, legal_day())
    assert president.inner_text("#kpi-registered") == str(figures.total.registered)
    shot(president, "courts-supervision")

    citizen.goto(f"{base}/courts/public/progress/")
    citizen.fill("#id_number", number)
    citizen.fill("#id_code", code)
    citizen.click("#lookup button")
    progress = citizen.inner_text("#progress")
    assert "李**" in progress and "李四光" not in progress and "民终" in progress
    shot(citizen, "courts-progress")
