"""Licensing items follow 行政许可法: acceptance review (art. 32), decision (art. 42)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from tests.org.mini_city import MiniCity
from tests.portal.test_applications import submit
from zhengfa.flow.models import Clock, ClockState
from zhengfa.org.models import Unit, UnitKind
from zhengfa.org.roles import Role
from zhengfa.portal import services
from zhengfa.portal.models import AppStatus

SH = ZoneInfo("Asia/Shanghai")


@time_machine.travel(datetime(2026, 3, 10, 9, 0, tzinfo=SH), tick=False)
def test_material_before_acceptance_restarts_review_and_the_decision_limit_runs_from_acceptance(
    mini_city: MiniCity,
) -> None:
    officer = mini_city.users[Role.POLICE_OFFICER]
    Unit.objects.filter(pk=officer.unit_id).update(kind=UnitKind.POLICE_BUREAU)
    application = submit("sec-hotel")
    review = Clock.objects.get(matter_id=application.pk, purpose="stage:received")
    assert review.rule == "licence.incomplete_notice" and review.due_on == date(2026, 3, 17)
    assert not Clock.objects.filter(matter_id=application.pk, purpose="overall").exists()
    services.application_request_material(
        actor=officer, application=application, missing="消防验收凭证"
    )
    review.refresh_from_db()
    assert review.state == ClockState.STOPPED
    with time_machine.travel(datetime(2026, 3, 20, 9, 0, tzinfo=SH), tick=False):
        services.application_resume(actor=officer, application=application)
        services.application_accept(actor=officer, application=application)
    decision = Clock.objects.get(matter_id=application.pk, purpose="stage:processing")
    assert decision.rule == "licence.decide"
    assert decision.started_on == date(2026, 3, 20)
    assert decision.due_on == date(2026, 4, 20)  # 20 working days; Monday 6 April is Qingming
    application.refresh_from_db()
    assert application.status == AppStatus.PROCESSING
    with pytest.raises(ValidationError):  # after acceptance, art. 32 no longer applies
        services.application_request_material(actor=officer, application=application, missing="x")
