"""诉调对接: a mediation agreement sent for judicial confirmation arrives as a 民特 case
with its number, parties, dossier, judge and the 15-day decision limit; the ruling closes
it. Another court's registrar and a judge off the panel change nothing."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from PIL import Image

from tests.disputes import conftest as disputes_city
from tests.disputes.conftest import PARTIES, DisputeCity
from zhengfa.audit.models import AuditEntry
from zhengfa.courts.models import CaseParty, CourtCase, DossierFile, PartySide
from zhengfa.courts.reports import supervision
from zhengfa.courts.services import confirmation_case_file
from zhengfa.courts.workflow.confirmation import confirmation_case_decide
from zhengfa.disputes.models import Dispute
from zhengfa.disputes.services.intake import dispute_report
from zhengfa.disputes.services.outcome import dispute_conclude
from zhengfa.flow.models import Matter, MatterStatus
from zhengfa.flow.photos import PhotoInput
from zhengfa.org.roles import Role

dc = disputes_city.dc  # the disputes' fixtures: a mediation ends in an agreement
media_in_tmp = disputes_city.media_in_tmp
SH = ZoneInfo("Asia/Shanghai")
AGREED = datetime(2026, 3, 2, 9, 0, tzinfo=SH)


def _webp() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), (20, 90, 200)).save(buffer, format="WEBP")
    return buffer.getvalue()


def _agreed(dc: DisputeCity) -> Dispute:
    dispute = dispute_report(
        actor=dc.grid_worker,
        channel="grid",
        category="family_neighbour",
        severity="general",
        amount="20000",
        description="两户因院墙漏水发生争执",
        grid_code=dc.grid.code,
        parties=PARTIES,
    )
    return dispute_conclude(
        actor=dc.village_mediator,
        dispute=dispute,
        outcome="agreement",
        terms="李四修缮院墙并赔偿张三2000元",
        signed_copy=PhotoInput("signed.webp", _webp()),
    )


def test_an_agreement_becomes_a_confirmation_case_decided_on_its_clock(dc: DisputeCity) -> None:
    court = dc.city.courts["230402"]
    with time_machine.travel(AGREED, tick=False):
        matter = confirmation_case_file(actor=dc.registrar, court=court, dispute=_agreed(dc))
    case = CourtCase.objects.get(matter=matter)
    assert (case.number, case.procedure, case.type_code) == (
        "（2026）黑0402民特1号",
        "civil_confirmation",
        "民特",
    )
    assert case.filing is not None and case.filing.status == "accepted"
    assert (matter.unit, matter.owner, matter.stage) == (court, dc.judge, "reviewing")
    overall = matter.clocks.get(purpose="overall")
    assert (overall.rule, overall.due_on) == (
        "mediation.confirm.decide",
        AGREED.date() + timedelta(days=15),
    )
    sides = set(CaseParty.objects.filter(case=case).values_list("side", flat=True))
    assert sides == {PartySide.JOINT_APPLICANT} and case.parties.count() == 2
    files = {f.name: bytes(f.content) for f in DossierFile.objects.filter(case=case)}
    assert "李四修缮院墙" in files["调解协议.txt"].decode()
    assert files["签字协议.png"].startswith(b"\x89PNG")  # the WebP scan, re-encoded
    assert Matter.objects.for_user(dc.judge).filter(pk=case.pk).exists()
    assert not Matter.objects.for_user(dc.city.outsiders[Role.JUDGE]).filter(pk=case.pk).exists()

    with time_machine.travel(AGREED + timedelta(days=5), tick=False):
        confirmation_case_decide(actor=dc.judge, case=case, confirmed=False, note="协议违法")
    case.refresh_from_db()
    overall.refresh_from_db()
    assert case.matter.status == MatterStatus.CLOSED and case.matter.stage == "rejected"
    assert case.judged_on == (AGREED + timedelta(days=5)).date() and overall.state != "running"
    president = dc.city.users[Role.COURT_PRESIDENT]
    figures = supervision(president, AGREED.date(), AGREED.date(), AGREED.date())
    assert (figures.total.registered, figures.total.closed_in_time) == (1, 1)
    assert (
        supervision(
            dc.city.outsiders[Role.COURT_PRESIDENT], AGREED.date(), AGREED.date(), AGREED.date()
        ).total.registered
        == 0
    )


def test_another_court_and_a_judge_off_the_panel_change_nothing(dc: DisputeCity) -> None:
    court = dc.city.courts["230402"]
    with time_machine.travel(AGREED, tick=False):
        dispute = _agreed(dc)
        before = (Matter.objects.count(), AuditEntry.objects.count())
        with pytest.raises(PermissionDenied):
            confirmation_case_file(
                actor=dc.city.outsiders[Role.COURT_REGISTRAR], court=court, dispute=dispute
            )
        with pytest.raises(PermissionDenied):
            confirmation_case_file(actor=dc.judge, court=court, dispute=dispute)
        assert (Matter.objects.count(), AuditEntry.objects.count()) == before
        case = CourtCase.objects.get(
            matter=confirmation_case_file(actor=dc.registrar, court=court, dispute=dispute)
        )
        version = case.matter.version
        with pytest.raises(PermissionDenied):
            confirmation_case_decide(actor=dc.city.outsiders[Role.JUDGE], case=case, confirmed=True)
    case.matter.refresh_from_db()
    assert (case.matter.version, case.matter.stage) == (version, "reviewing")
