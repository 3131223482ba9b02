"""One civil case from online filing to the higher court's registration of the appeal, and
every refusal on the way (each leaves nothing behind)."""

from __future__ import annotations

import random
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from tests.courts.world import Courts
from zhengfa.audit.models import AuditEntry
from zhengfa.clock import Clock as LegalClock
from zhengfa.courts.models import (
    CaseParty,
    CourtCase,
    DossierFile,
    Filing,
    Hearing,
    PartyMessage,
    PartySide,
)
from zhengfa.courts.workflow import appeals, assignment, filing, trial
from zhengfa.flow.models import Clock, Matter, Notice
from zhengfa.flow.notices import MemorySmsBackend

TZ = ZoneInfo("Asia/Shanghai")
PLAINTIFF = filing.PartyInput(
    side=PartySide.PLAINTIFF, name="张三丰", id_number="11010519491231002X", phone="13800138000"
)
DEFENDANT = filing.PartyInput(side=PartySide.DEFENDANT, organisation="鹤岗某某建材有限公司")


def at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=TZ)


def counts() -> tuple[int, ...]:
    return tuple(
        m.objects.count()
        for m in (Matter, Clock, CourtCase, Filing, Hearing, DossierFile, AuditEntry, Notice)
    )


def submit(courts: Courts, on: date = date(2025, 3, 3)) -> Filing:
    return filing.filing_submit(
        actor=courts.citizen,
        court=courts.court,
        procedure="civil_ordinary",
        cause_code="C0001",
        claims="判令被告赔偿医疗费等损失 35000 元",
        parties=[PLAINTIFF, DEFENDANT],
        on=on,
    )


def accepted_case(courts: Courts) -> CourtCase:
    with time_machine.travel(at(date(2025, 3, 3)), tick=False):
        submitted = submit(courts)
        case = filing.filing_accept(actor=courts.registrar, filing=submitted).case
        assignment.case_assign_random(
            actor=courts.registrar, case=case, division=courts.civil, rng=random.Random(5)
        )
    return CourtCase.objects.get(pk=case.pk)


@pytest.mark.django_db
def test_online_filing_material_then_acceptance_issues_the_number_and_starts_the_limit(
    courts: Courts, django_capture_on_commit_callbacks: Any
) -> None:
    with time_machine.travel(at(date(2025, 3, 4)), tick=False):
        submitted = submit(courts, date(2025, 3, 3))
        party = CaseParty.objects.get(filing=submitted, side=PartySide.PLAINTIFF)
        assert party.person is None and party.submitted.startswith("zf1:")
        assert party.public_name == "张**"
        review = submitted.matter.clocks.get(purpose="stage:review")
        assert review.due_on == date(2025, 3, 10)  # 7 days from receipt (CPL art. 126)
        filing.filing_request_material(
            actor=courts.registrar, filing=submitted, missing="被告营业执照 defendant's licence"
        )
    with time_machine.travel(at(date(2025, 3, 6)), tick=False):
        filing.filing_supply_material(actor=courts.citizen, filing=submitted, note="已补交")
        fresh = submitted.matter.clocks.filter(purpose="stage:review").order_by("-pk").first()
        assert fresh is not None and fresh.started_on == date(2025, 3, 6)  # counts anew
        with django_capture_on_commit_callbacks(execute=True):  # the SMS leaves after commit
            result = filing.filing_accept(
                actor=courts.registrar, filing=Filing.objects.get(pk=submitted.pk)
            )
    case = result.case
    assert case.number == "（2025）黑0402民初1号" and case.filed_on == date(2025, 3, 6)
    assert len(result.verification_code) == 8 and result.verification_code not in case.verify_hash
    overall = case.matter.clocks.get(purpose="overall")
    assert overall.due_on == LegalClock.start_under("civil.first.ordinary", date(2025, 3, 6)).due_on
    party.refresh_from_db()
    assert party.person is not None and party.submitted == "" and party.case == case
    assert PartyMessage.objects.filter(case=case, subject__contains="已立案").exists()
    assert [phone for phone, _ in MemorySmsBackend.outbox] == ["13800138000"]
    assert Notice.objects.filter(recipient=courts.citizen, matter=case.matter).exists()


@pytest.mark.django_db
def test_sequence_numbers_have_no_gaps_per_court_year_and_type(courts: Courts) -> None:
    with time_machine.travel(at(date(2025, 3, 3)), tick=False):
        numbers = [
            filing.filing_accept(actor=courts.registrar, filing=f).case.number
            for f in (submit(courts), submit(courts))
        ]
    assert numbers == ["（2025）黑0402民初1号", "（2025）黑0402民初2号"]


@pytest.mark.django_db
def test_refusals_change_nothing(courts: Courts) -> None:
    case = accepted_case(courts)
    before = counts()
    with pytest.raises(ValidationError) as bad_procedure:
        filing.filing_submit(
            actor=courts.citizen,
            court=courts.court,
            procedure="民甲",
            claims="x",
            parties=[PLAINTIFF, DEFENDANT],
        )
    assert "procedure" in bad_procedure.value.message_dict
    with pytest.raises(ValidationError) as outside:
        assignment.case_assign_manual(
            actor=courts.division_president,
            case=case,
            division=courts.civil,
            presiding=courts.outsider,
            reason="专业对口",
        )
    assert "presiding" in outside.value.message_dict
    with pytest.raises(PermissionDenied):  # the outsider reaches nothing of this court
        assignment.case_assign_manual(
            actor=courts.outsider,
            case=case,
            division=courts.civil,
            presiding=courts.judges[0],
            reason="x",
        )
    with pytest.raises(ValidationError) as bad_cause:
        filing.filing_submit(
            actor=courts.citizen,
            court=courts.court,
            procedure="civil_ordinary",
            cause_code="NOPE",
            claims="x",
            parties=[PLAINTIFF, DEFENDANT],
            on=date(2025, 3, 3),
        )
    assert "cause_code" in bad_cause.value.message_dict
    assert counts() == before


@pytest.mark.django_db
def test_a_civil_case_from_service_to_the_appeal_registered_above(courts: Courts) -> None:
    case = accepted_case(courts)
    judge = case.matter.owner
    assert judge in courts.judges and case.panel.get().judge == judge
    with time_machine.travel(at(date(2025, 3, 10)), tick=False):
        trial.complaint_serve(actor=courts.clerk, case=case)
        answer = case.matter.clocks.get(purpose="stage:answer")
        assert answer.due_on == date(2025, 3, 25)  # 15 days from receipt
    with time_machine.travel(at(date(2025, 3, 26)), tick=False):
        trial.answer_close(actor=judge, case=case)
        before = counts()
        with pytest.raises(ValidationError, match="rest day"):
            trial.hearing_schedule(
                actor=judge, case=case, starts_at=at(date(2025, 3, 29)), room="第一法庭"
            )
        with pytest.raises(ValidationError, match="at least 3 days"):
            trial.hearing_schedule(
                actor=judge, case=case, starts_at=at(date(2025, 3, 28)), room="第一法庭"
            )
        with pytest.raises(ValidationError, match="before the hearing"):
            trial.judgment_issue(actor=judge, case=case, outcome="判决")
        with pytest.raises(PermissionDenied):
            trial.hearing_schedule(
                actor=courts.outsider, case=case, starts_at=at(date(2025, 3, 31)), room="x"
            )
        assert counts() == before
        hearing = trial.hearing_schedule(
            actor=judge, case=case, starts_at=at(date(2025, 3, 31)), room="第一法庭", seats=20
        )
    with time_machine.travel(at(date(2025, 3, 31), 15), tick=False):
        trial.hearing_hold(actor=judge, hearing=hearing)
    with time_machine.travel(at(date(2025, 4, 10)), tick=False):
        trial.judgment_issue(actor=judge, case=case, outcome="判决 部分支持")
        assert case.matter.clocks.get(purpose="overall").state == "stopped"
    with time_machine.travel(at(date(2025, 4, 14)), tick=False):
        trial.judgment_serve(actor=courts.clerk, case=case)
        period = case.matter.clocks.get(purpose="stage:appeal_period")
        assert period.due_on == date(2025, 4, 29)  # 15 days from service
    defendant = case.parties.get(side=PartySide.DEFENDANT)
    with time_machine.travel(at(date(2025, 4, 20)), tick=False):
        appeals.appeal_file(actor=courts.clerk, case=case, appellant=defendant)
    with time_machine.travel(at(date(2025, 4, 22)), tick=False):
        appeals.appeal_serve(actor=courts.clerk, case=case)
    with time_machine.travel(at(date(2025, 5, 7)), tick=False):
        appeals.appeal_answer_close(actor=courts.clerk, case=case)
        transfer = case.matter.clocks.get(purpose="stage:transfer")
        assert transfer.rule == "civil.appeal.file_transfer"
    with time_machine.travel(at(date(2025, 5, 9)), tick=False):
        appeals.appeal_transfer(actor=courts.clerk, case=case)
        with pytest.raises(PermissionDenied):
            appeals.appeal_receive(actor=courts.registrar, original=case)
    with time_machine.travel(at(date(2025, 5, 12)), tick=False):
        second = appeals.appeal_receive(actor=courts.higher_registrar, original=case)
    assert second.number == "（2025）黑04民终1号" and second.original == case
    assert second.matter.unit == courts.higher
    assert second.parties.filter(
        side=PartySide.APPELLANT, organisation="鹤岗某某建材有限公司"
    ).exists()
    names = set(DossierFile.objects.filter(case=case).values_list("name", flat=True))
    assert {"summons.html", "judgment.html", "service_record.html", "transfer_letter.html"} <= names
    assert Matter.objects.for_user(courts.outsider).filter(pk=case.pk).count() == 0
