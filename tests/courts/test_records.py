"""Enforcement lists (screening queue, removal on its clock), objections seen by the
president, seat reservations and judges' meeting records."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from tests.courts.test_workflow import PLAINTIFF, accepted_case, at, counts
from tests.courts.world import Courts
from zhengfa.courts import reports
from zhengfa.courts.models import ListingStatus, PartySide
from zhengfa.courts.workflow import assignment, filing, limits, records, trial
from zhengfa.flow.models import Notice


@pytest.mark.django_db
def test_a_legal_representative_is_screened_and_removed_within_three_working_days(
    courts: Courts,
) -> None:
    with time_machine.travel(at(date(2025, 3, 3)), tick=False):
        submitted = filing.filing_submit(
            actor=courts.registrar,
            court=courts.court,
            procedure="enforcement",
            claims="申请执行 (2024)黑0402民初9号判决",
            parties=[
                filing.PartyInput(side=PartySide.APPLICANT, organisation="甲公司"),
                filing.PartyInput(side=PartySide.RESPONDENT, organisation="乙公司"),
            ],
        )
        case = filing.filing_accept(actor=courts.registrar, filing=submitted).case
        assert case.number == "（2025）黑0402执1号"
        judge = courts.judges[0]
        assignment.case_assign_manual(
            actor=courts.division_president,
            case=case,
            division=courts.civil,
            presiding=judge,
            reason="执行团队",
        )
        person = filing._person(courts.registrar, PLAINTIFF)
        listing = records.listing_add(
            actor=judge, case=case, kind="dishonest", person=person, as_legal_rep_of="乙公司"
        )
    with time_machine.travel(at(date(2025, 6, 6)), tick=False):  # a Friday
        records.listing_flag_event(actor=judge, listing=listing, event="merger")
        assert listing.removal_clock is not None
        assert listing.removal_clock.due_on == date(2025, 6, 11)  # 3 working days
        assert list(reports.screening_queue(courts.president)) == [listing]
        assert list(reports.screening_queue(courts.outsider)) == []
        with pytest.raises(ValidationError):
            records.listing_remove(actor=judge, listing=listing, reason=" ")
        records.listing_remove(actor=judge, listing=listing, reason="公司合并后不再担任法定代表人")
    listing.refresh_from_db()
    assert listing.status == ListingStatus.REMOVED and listing.removed_on == date(2025, 6, 6)


@pytest.mark.django_db
def test_objection_reaches_the_president_and_seats_are_reserved_once(courts: Courts) -> None:
    case = accepted_case(courts)
    case.parties.filter(side=PartySide.PLAINTIFF).update(account=courts.citizen)
    before = counts()
    with pytest.raises(PermissionDenied):
        limits.objection_file(actor=courts.outsider, case=case, text="异议")
    assert counts() == before
    objection = limits.objection_file(actor=courts.citizen, case=case, text="延长审限理由不足")
    assert Notice.objects.filter(recipient=courts.president, subject__contains="Objection").exists()
    assert list(reports.objections_for(courts.president)) == [objection]
    limits.objection_answer(actor=courts.president, objection=objection, answer="已复核")
    judge = case.matter.owner
    with time_machine.travel(at(date(2025, 3, 10)), tick=False):
        trial.complaint_serve(actor=courts.clerk, case=case)
        trial.answer_close(actor=judge, case=case)
        hearing = trial.hearing_schedule(
            actor=judge, case=case, starts_at=at(date(2025, 3, 17)), room="一庭", seats=1
        )
        records.seat_reserve(actor=courts.citizen, hearing=hearing)
        with pytest.raises(ValidationError):
            records.seat_reserve(actor=courts.citizen, hearing=hearing)
        with pytest.raises(PermissionDenied):
            records.seat_reserve(actor=courts.outsider, hearing=hearing)
        assert [h.free for h in reports.hearing_calendar(date(2025, 3, 10))] == [0]
        meeting = records.meeting_record(
            actor=judge,
            case=case,
            held_on=date(2025, 3, 12),
            question="赔偿标准",
            attendees="法官甲、法官乙、法官丙",
            opinions="多数意见…",
            conclusion="按标准计算",
        )
    assert meeting.case == case
