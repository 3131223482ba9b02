"""The courts' pages through Django's test client: online filing with attachments (a bad
file is refused beside its field, the values kept, nothing stored), the registry's review,
the judge's case page and its steps, the approval inbox, the supervision page, the public
progress lookup and calendar, and the outsider who sees none of it."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.courts.test_workflow import at, counts
from tests.courts.world import Courts
from zhengfa.courts.models import CourtCase, DossierFile, Filing, FilingAttachment
from zhengfa.flow.models import Approval

PDF = b"%PDF-1.4 complaint"


def client(user: Any) -> Client:
    logged_in = Client()
    logged_in.force_login(user)
    return logged_in


def filing_post(courts: Courts, attachment: tuple[str, bytes]) -> dict[str, Any]:
    return {
        "court": courts.court.code,
        "procedure": "civil_ordinary",
        "cause_code": "C0001",
        "claims": "判令被告支付货款 52000 元",
        "party0_side": "plaintiff",
        "party0_name": "李四光",
        "party0_phone": "13900139000",
        "party1_side": "defendant",
        "party1_organisation": "鹤岗某某商贸有限公司",
        "party2_side": "third_party",
        "attachments": [SimpleUploadedFile(attachment[0], attachment[1])],
    }


def file_online(courts: Courts) -> Filing:
    response = client(courts.citizen).post(
        "/courts/filings/new/", filing_post(courts, ("起诉状.pdf", PDF))
    )
    errors = [line for line in response.content.decode().splitlines() if "alert" in line]
    assert response.status_code == 302, errors
    return Filing.objects.get()


@pytest.mark.django_db
def test_a_bad_attachment_is_refused_beside_its_field_and_nothing_is_stored(
    courts: Courts,
) -> None:
    citizen = client(courts.citizen)  # signing in is audited
    before = counts()
    with time_machine.travel(at(date(2025, 3, 3)), tick=False):
        response = citizen.post(
            "/courts/filings/new/", filing_post(courts, ("起诉状.pdf", b"not a pdf at all"))
        )
    page = response.content.decode()
    assert response.status_code == 200
    assert "is not a .pdf file" in page and "has-error" in page
    assert "判令被告支付货款 52000 元" in page and "鹤岗某某商贸有限公司" in page  # values kept
    assert counts() == before and not FilingAttachment.objects.exists()


@pytest.mark.django_db
def test_the_filing_form_names_the_missing_civil_catalogue(courts: Courts) -> None:
    with time_machine.travel(at(date(2026, 3, 2)), tick=False):
        page = client(courts.citizen).get("/courts/filings/new/").content.decode()
    assert "没有施行中的目录" in page and "csrfmiddlewaretoken" in page


@pytest.mark.django_db
def test_online_filing_to_acceptance_brings_the_attachment_into_the_dossier(
    courts: Courts,
) -> None:
    with time_machine.travel(at(date(2025, 3, 3)), tick=False):
        found = file_online(courts)
        queue = client(courts.registrar).get("/courts/filings/").content.decode()
        assert "判令被告支付货款" in queue
        assert client(courts.outsider).get(f"/courts/filings/{found.pk}/").status_code == 404
        accepted = client(courts.registrar).post(f"/courts/filings/{found.pk}/accept/")
    page = accepted.content.decode()
    case = CourtCase.objects.get()
    assert case.number in page and 'id="verification-code"' in page
    assert DossierFile.objects.filter(case=case, name="起诉状.pdf").exists()
    mine = client(courts.citizen).get("/courts/filings/").content.decode()
    assert case.number in mine


@pytest.mark.django_db
def test_a_rejection_needs_reasons_and_keeps_the_filing_under_review(courts: Courts) -> None:
    with time_machine.travel(at(date(2025, 3, 3)), tick=False):
        found = file_online(courts)
        registrar = client(courts.registrar)
        before = counts()
        response = registrar.post(f"/courts/filings/{found.pk}/reject/", {"reject-reasons": ""})
    assert response.status_code == 200 and "reasons" in response.content.decode()
    found.refresh_from_db()
    assert found.status == "review" and counts() == before


def accepted_case(courts: Courts) -> CourtCase:
    with time_machine.travel(at(date(2025, 3, 3)), tick=False):
        found = file_online(courts)
        client(courts.registrar).post(f"/courts/filings/{found.pk}/accept/")
    return CourtCase.objects.get()


@pytest.mark.django_db
def test_the_judge_works_the_case_page_and_a_bad_hearing_keeps_the_form(courts: Courts) -> None:
    case = accepted_case(courts)
    judge = courts.judges[0]
    with time_machine.travel(at(date(2025, 3, 4)), tick=False):
        assigned = client(courts.division_president).post(
            f"/courts/cases/{case.pk}/assign/",
            {
                "assign-mode": "manual",
                "assign-division": courts.civil.pk,
                "assign-presiding": judge.pk,
                "assign-reason": "熟悉买卖合同纠纷",
            },
        )
        assert assigned.status_code == 302
        page = client(judge).get(f"/courts/cases/{case.pk}/").content.decode()
        assert case.number in page and "民事一审普通程序审限" in page and "CPL" in page
        served = client(courts.clerk).post(
            f"/courts/cases/{case.pk}/steps/serve/", {"serve-on": "2025-03-05"}
        )
        assert served.status_code == 302
        client(judge).post(f"/courts/cases/{case.pk}/steps/answer/", {"answer-on": "2025-03-21"})
        judge_client = client(judge)
        before = counts()
        bad = judge_client.post(
            f"/courts/cases/{case.pk}/hearings/",
            {
                "hearing-starts_at": "2025-03-22T09:00",
                "hearing-room": "第一法庭",
                "hearing-summoned_on": "2025-03-21",
                "hearing-seats": "5",
            },
        )
    text = bad.content.decode()
    assert bad.status_code == 200 and "第一法庭" in text and "field-error" in text
    assert counts() == before
    assert client(courts.outsider).get(f"/courts/cases/{case.pk}/").status_code == 404
    zipped = client(judge).get(f"/courts/cases/{case.pk}/dossier.zip")
    assert zipped["Content-Type"] == "application/zip"


@pytest.mark.django_db
def test_an_extension_request_reaches_the_president_and_is_decided(courts: Courts) -> None:
    case = accepted_case(courts)
    judge = courts.judges[0]
    with time_machine.travel(at(date(2025, 6, 2)), tick=False):
        client(courts.division_president).post(
            f"/courts/cases/{case.pk}/assign/",
            {
                "assign-mode": "manual",
                "assign-division": courts.civil.pk,
                "assign-presiding": judge.pk,
                "assign-reason": "专业",
            },
        )
        judge_client = client(judge)
        before = counts()
        refused = judge_client.post(
            f"/courts/cases/{case.pk}/limit/",
            {"limit-kind": "extend", "limit-reason_code": "special_circumstances"},
        )
        assert refused.status_code == 200 and counts() == before
        asked = client(judge).post(
            f"/courts/cases/{case.pk}/limit/",
            {
                "limit-kind": "extend",
                "limit-reason_code": "special_circumstances",
                "limit-detail": "需要鉴定，案情复杂",
                "limit-amount": "6",
                "limit-unit": "months",
            },
        )
        assert asked.status_code == 302, asked.content.decode()[-3000:]
        approval = Approval.objects.get()
        assert (
            client(courts.outsider).get("/courts/approvals/").content.decode().count(case.number)
            == 0
        )
        inbox = client(courts.president).get("/courts/approvals/").content.decode()
        assert case.number in inbox
        decided = client(courts.president).post(
            f"/courts/approvals/{approval.pk}/decide/",
            {f"a{approval.pk}-decision": "approve", f"a{approval.pk}-note": "同意"},
        )
    assert decided.status_code == 302
    approval.refresh_from_db()
    assert approval.status == "approved"
    assert case.messages.filter(subject__contains="Limit changed").exists()


@pytest.mark.django_db
def test_supervision_public_progress_and_the_outsider(courts: Courts) -> None:
    case = accepted_case(courts)
    with time_machine.travel(at(date(2025, 3, 10)), tick=False):
        page = client(courts.president).get(
            "/courts/supervision/", {"start": "2025-01-01", "end": "2025-12-31"}
        )
        text = page.content.decode()
        assert 'id="kpi-registered">1<' in text
        outsider = client(courts.outsider).get(
            "/courts/supervision/", {"start": "2025-01-01", "end": "2025-12-31"}
        )
        assert 'id="kpi-registered">0<' in outsider.content.decode()
        bad = client(courts.president).get("/courts/supervision/", {"start": "2025-13-01"})
        assert "field-error" in bad.content.decode()
        wrong = Client().get("/courts/public/progress/", {"number": case.number, "code": "0"})
    assert "案号或查询码不正确" in wrong.content.decode()
    assert "李**" not in wrong.content.decode()


@pytest.mark.django_db
def test_the_pages_speak_chinese_first_and_english_on_request(courts: Courts) -> None:
    chinese = Client().get("/courts/public/hearings/").content.decode()
    english = Client(headers={"cookie": "django_language=en"}).get("/courts/public/hearings/")
    text = english.content.decode()
    assert "开庭公告 Hearing calendar" in chinese
    assert "Hearing calendar" in text and "开庭公告" not in text


@pytest.mark.django_db
def test_a_party_objects_on_the_progress_page_and_the_president_sees_it(courts: Courts) -> None:
    with time_machine.travel(at(date(2025, 3, 3)), tick=False):
        found = file_online(courts)
        accepted = client(courts.registrar).post(f"/courts/filings/{found.pk}/accept/")
    page = accepted.content.decode()
    code = page.split('id="verification-code">')[1].split("<")[0]
    number = CourtCase.objects.get().number
    stranger = client(courts.outsider)
    before = counts()
    refused = stranger.post(
        "/courts/public/progress/objection/", {"number": number, "code": code, "text": "异议"}
    )
    assert refused.status_code == 200 and counts() == before
    party = client(courts.citizen)
    shown = party.get("/courts/public/progress/", {"number": number, "code": code})
    assert 'id="objection-form"' in shown.content.decode()
    sent = party.post(
        "/courts/public/progress/objection/",
        {"number": number, "code": code, "text": "延长审限没有告知理由"},
    )
    assert sent.status_code == 302
    supervision = client(courts.president).get("/courts/supervision/").content.decode()
    assert "延长审限没有告知理由" in supervision
    assert "延长审限没有告知理由" not in stranger.get("/courts/supervision/").content.decode()
