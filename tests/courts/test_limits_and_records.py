"""Limit changes through approvals (lawful reasons, the approver's level, the parties told),
conversions, the dossier, and the president's figures against a count made in SQL."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from tests.courts.test_workflow import DEFENDANT, PLAINTIFF, accepted_case, at, counts
from tests.courts.world import Courts
from zhengfa.courts import reports
from zhengfa.courts.models import CourtCase, PartyMessage, PartySide
from zhengfa.courts.workflow import assignment, dossier, filing, limits, trial
from zhengfa.flow.models import ApprovalStatus


def try_case(courts: Courts, case: CourtCase, hearing: date, judged: date) -> None:
    judge = case.matter.owner
    with time_machine.travel(at(hearing), tick=False):
        trial.complaint_serve(actor=courts.clerk, case=case, on=hearing)
        trial.answer_close(actor=judge, case=case, on=hearing)
        session = trial.hearing_schedule(
            actor=judge, case=case, starts_at=at(hearing), room="一庭", summoned_on=date(2025, 1, 2)
        )
        trial.hearing_hold(actor=judge, hearing=session)
    with time_machine.travel(at(judged), tick=False):
        trial.judgment_issue(actor=judge, case=CourtCase.objects.get(pk=case.pk), outcome="判决")


@pytest.mark.django_db
def test_extension_needs_a_lawful_reason_and_the_right_level_and_is_told(courts: Courts) -> None:
    case = accepted_case(courts)  # registered 2025-03-03, limit 6 months
    judge = case.matter.owner
    with time_machine.travel(at(date(2025, 8, 1)), tick=False):
        before = counts()
        with pytest.raises(ValidationError) as unlawful:
            limits.limit_change_request(
                actor=judge, case=case, kind="extend", reason_code="busy", detail="案多人少"
            )
        assert "reason_code" in unlawful.value.message_dict
        assert counts() == before
        approval = limits.limit_change_request(
            actor=judge,
            case=case,
            kind="extend",
            reason_code="special_circumstances",
            detail="需要追加当事人",
            amount=6,
            unit="months",
        )
        assert approval.level == "court_president"
        before = counts()
        with pytest.raises(PermissionDenied):  # above the division president's level
            limits.limit_change_decide(
                actor=courts.division_president, approval=approval, decision="approve"
            )
        assert counts() == before
        limits.limit_change_decide(actor=courts.president, approval=approval, decision="approve")
    approval.refresh_from_db()
    assert approval.status == ApprovalStatus.APPROVED
    told = PartyMessage.objects.filter(case=case, subject__contains="now due").get()
    assert "CPL (2023) art. 152" in told.legal_basis and "SPC-2019 art. 3" in told.legal_basis
    overall = trial.overall_clock(case)
    assert overall is not None and str(overall.due_on) in told.subject


@pytest.mark.django_db
def test_civil_conversion_counts_from_the_original_registration(courts: Courts) -> None:
    with time_machine.travel(at(date(2025, 3, 3)), tick=False):
        submitted = filing.filing_submit(
            actor=courts.registrar,
            court=courts.court,
            procedure="civil_simple",
            cause_code="C0001",
            claims="赔偿 5000 元",
            parties=[PLAINTIFF, DEFENDANT],
        )
        case = filing.filing_accept(actor=courts.registrar, filing=submitted).case
        assignment.case_assign_manual(
            actor=courts.division_president,
            case=case,
            division=courts.civil,
            presiding=courts.judges[0],
            reason="专业对口",
        )
    with time_machine.travel(at(date(2025, 4, 15)), tick=False):
        trial.case_convert(actor=courts.judges[0], case=case, reason="案情复杂")
    overall = trial.overall_clock(case)
    assert overall is not None and overall.rule == "civil.first.converted"
    assert overall.started_on == date(2025, 3, 3) and case.procedure == "civil_ordinary"


@pytest.mark.django_db
def test_criminal_conversion_restarts_from_the_decision(courts: Courts) -> None:
    with time_machine.travel(at(date(2025, 3, 3)), tick=False):
        submitted = filing.filing_submit(
            actor=courts.registrar,
            court=courts.court,
            procedure="criminal_summary",
            cause_code="A133Z1-1",
            claims="公诉：危险驾驶",
            parties=[
                filing.PartyInput(side=PartySide.PLAINTIFF, organisation="向阳区人民检察院"),
                filing.PartyInput(side=PartySide.DEFENDANT, name="李四"),
            ],
        )
        case = filing.filing_accept(actor=courts.registrar, filing=submitted).case
        assert case.number == "（2025）黑0402刑初1号"
        assignment.case_assign_manual(
            actor=courts.division_president,
            case=case,
            division=courts.civil,
            presiding=courts.judges[1],
            reason="值班",
        )
    with time_machine.travel(at(date(2025, 3, 10)), tick=False):
        trial.case_convert(actor=courts.judges[1], case=case, reason="被告人否认指控")
    overall = trial.overall_clock(case)
    assert overall is not None and overall.rule == "criminal.converted"
    assert overall.started_on == date(2025, 3, 10)


@pytest.mark.django_db
def test_dossier_refuses_a_disguised_file_keeps_versions_and_zips_with_contents(
    courts: Courts,
) -> None:
    case = accepted_case(courts)
    clerk = courts.clerk
    before = counts()
    with pytest.raises(ValidationError) as disguised:
        dossier.dossier_upload(actor=clerk, case=case, name="证据.pdf", content=b"MZ\x90\x00exe")
    assert "content" in disguised.value.message_dict
    with pytest.raises(PermissionDenied):
        dossier.dossier_upload(actor=courts.outsider, case=case, name="a.pdf", content=b"%PDF-1")
    assert counts() == before
    first = dossier.dossier_upload(actor=clerk, case=case, name="证据.pdf", content=b"%PDF-1.4 a")
    second = dossier.dossier_upload(actor=clerk, case=case, name="证据.pdf", content=b"%PDF-1.4 b")
    assert (first.version, second.version) == (1, 2) and first.sha256 != second.sha256
    archive = zipfile.ZipFile(io.BytesIO(dossier.dossier_zip(case)))
    contents = archive.read("000_目录.txt").decode()
    assert first.sha256 in contents and second.sha256 in contents
    assert archive.read("001_证据_v1.pdf") == b"%PDF-1.4 a"


@pytest.mark.django_db
def test_supervision_equals_a_count_in_sql(courts: Courts) -> None:
    in_time, late, open_overdue = (accepted_case(courts) for _ in range(3))
    try_case(courts, in_time, date(2025, 4, 7), date(2025, 4, 18))
    try_case(courts, late, date(2025, 4, 8), date(2025, 10, 9))  # the limit ran out on 9-03
    as_of = date(2025, 11, 3)
    figures = reports.supervision(courts.president, date(2025, 1, 1), date(2025, 12, 31), as_of)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT COUNT(*),
                   SUM(CASE WHEN c.judged_on IS NOT NULL THEN 1 ELSE 0 END),
                   SUM(CASE WHEN c.judged_on <= k.due_on THEN 1 ELSE 0 END),
                   SUM(CASE WHEN c.judged_on IS NULL AND k.due_on < %s THEN 1 ELSE 0 END)
            FROM courts_courtcase c
            JOIN flow_matter m ON m.id = c.matter_id
            JOIN flow_clock k ON k.id = (SELECT MAX(id) FROM flow_clock
                                         WHERE matter_id = c.matter_id AND purpose = 'overall')
            WHERE m.unit_id = %s AND c.filed_on BETWEEN %s AND %s
            """,
            [as_of, courts.court.pk, date(2025, 1, 1), date(2025, 12, 31)],
        )
        registered, closed, closed_in_time, overdue = cursor.fetchone()
    total = figures.total
    assert (
        (total.registered, total.closed, total.closed_in_time, total.open_overdue)
        == (
            registered,
            closed,
            closed_in_time,
            overdue,
        )
        == (3, 2, 1, 1)
    )
    assert total.rate == 50.0 and total.average_days == ((46 + 220) / 2)
    assert sum(r.registered for r in figures.by_judge) == 3
    assert (
        reports.supervision(
            courts.outsider, date(2025, 1, 1), date(2025, 12, 31), as_of
        ).total.registered
        == 0
    )
    overdue_list = reports.overdue_cases(courts.president, as_of)
    assert {o.case.pk for o in overdue_list} == {late.pk, open_overdue.pk}
    assert all(o.holders for o in overdue_list)
