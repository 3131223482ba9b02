"""Issue 6's walk in headless Chromium: a grid worker reports on a phone, the rules route
the dispute to the village, the village misses its limit and the township takes it, the
township mediator records the agreement and sends it to the basic court, whose registry
accepts it and whose judge confirms it. Runs in the PostgreSQL pass (marker ``browser``)."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.browser import PHONE_SCREEN, shot, signed_in
from tests.disputes.conftest import DisputeCity, png_bytes
from zhengfa.courts.models import CourtCase
from zhengfa.disputes.models import Confirmation, Dispute, Petition
from zhengfa.disputes.services.routing import disputes_escalate_overdue
from zhengfa.flow.common import now

pytestmark = pytest.mark.browser


def test_report_route_escalate_mediate_confirm(
    live_server: Any, dc: DisputeCity, browser: Any, tmp_path: Path
) -> None:
    base = live_server.url
    worker = signed_in(browser, base, dc.grid_worker.username, PHONE_SCREEN)
    worker.goto(f"{base}/disputes/report/")
    wide = worker.evaluate("document.documentElement.scrollWidth")
    assert wide <= PHONE_SCREEN["width"]  # nothing scrolls sideways on a phone
    worker.select_option("#id_category", "family_neighbour")
    worker.select_option("#id_severity", "general")
    worker.fill("#id_description", "两户因院墙漏水发生争执")
    worker.fill("#id_amount", "20000")
    worker.select_option("#id_grid_code", dc.grid.code)
    worker.fill("#id_party0_name", "张三")
    worker.fill("#id_party1_name", "李四")
    scene = tmp_path / "scene.png"
    scene.write_bytes(png_bytes((64, 48)))
    worker.set_input_files("#id_photos", str(scene))
    shot(worker, "disputes-report-phone")
    worker.click("button.primary")
    worker.wait_for_url(re.compile(r".*/disputes/\d+/$"))
    assert "属地调" in worker.inner_text("#way")
    assert dc.village_committee.name in worker.inner_text("#unit")
    shot(worker, "disputes-reported")
    dispute = Dispute.objects.get()

    assert disputes_escalate_overdue(at=now() + timedelta(days=16)) == 1  # the sweep's part

    mediator = signed_in(browser, base, dc.township_mediator.username)
    mediator.goto(f"{base}/disputes/{dispute.pk}/")
    assert dc.township_mediator.unit.name in mediator.inner_text("#unit")
    mediator.select_option("#id_outcome", "agreement")
    mediator.fill("#id_terms", "李四修缮院墙并赔偿张三2000元")
    signed = tmp_path / "signed.pdf"
    signed.write_bytes(b"%PDF-1.4 signed agreement")
    mediator.set_input_files("#id_signed_copy", str(signed))
    mediator.click("#outcome-form button.primary")
    mediator.wait_for_selector("text=申请司法确认")
    mediator.click("text=送交法院")
    mediator.wait_for_selector("#confirmation")
    shot(mediator, "disputes-sent-to-court")

    registrar = signed_in(browser, base, dc.registrar.username)
    registrar.goto(f"{base}/disputes/confirmations/")
    registrar.click("text=受理")
    registrar.wait_for_selector("text=已受理")

    judge = signed_in(browser, base, dc.judge.username)
    judge.goto(f"{base}/disputes/confirmations/")
    judge.fill("#id_note", "协议合法有效")
    judge.keyboard.press("Enter")  # the ruling form is keyboard-submittable
    judge.wait_for_selector("text=确认有效")
    shot(judge, "disputes-confirmed")

    confirmation = Confirmation.objects.get()
    case = CourtCase.objects.get(matter=confirmation.matter)
    assert (confirmation.case_number, case.matter.stage) == (case.number, "confirmed")
    judge.click(f"#confirmation-{confirmation.pk} a")  # the case number opens the court case
    judge.wait_for_url(f"{base}/courts/cases/{case.pk}/")
    assert case.number in judge.inner_text("h1")
    shot(judge, "disputes-court-case")
    mediator.goto(f"{base}/disputes/{dispute.pk}/")
    assert "确认有效" in mediator.inner_text("#confirmation")

    outsider = signed_in(browser, base, dc.outsider.username)
    response = outsider.goto(f"{base}/disputes/{dispute.pk}/")
    assert response is not None and response.status == 404


def test_petition_pages_by_keyboard_with_the_complainant_masked(
    live_server: Any, dc: DisputeCity, browser: Any
) -> None:
    base = live_server.url
    desk = signed_in(browser, base, dc.centre_operator.username)
    desk.goto(f"{base}/")
    desk.click("text=信访事项")
    desk.select_option("#id_form", "visit")
    desk.fill("#id_complainant_name", "王大妈")
    desk.fill("#id_complainant_phone", "13900001111")
    desk.fill("#id_request", "要求解决拆迁补偿")
    desk.focus("#receive-form button.primary")
    desk.keyboard.press("Enter")
    desk.wait_for_selector("#route-form")
    assert "王大妈" not in desk.content() and "王**" in desk.inner_text("#complainant")
    desk.fill("#id_unit_code", dc.centre_operator.unit.code)  # type: ignore[union-attr]
    desk.click("#route-form button.primary")
    desk.wait_for_selector("#decide-form")
    desk.fill("#decide-form #id_note", "   ")  # blank reasons: refused by the server
    desk.click("#decide-form button.primary")
    desk.wait_for_selector("#decide-form .field-error")
    shot(desk, "disputes-petition-refused")
    desk.fill("#decide-form #id_note", "属本机关职责")
    desk.click("#decide-form button.primary")
    desk.wait_for_selector("#reply-form")
    shot(desk, "disputes-petition")
    assert Petition.objects.get().matter.stage == "handling"
