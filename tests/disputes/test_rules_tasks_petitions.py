"""Routing rules (which fires, override, rules that route nowhere), joint analysis and task
lists (a reply from another unit is refused), petitions (limits, review one level up,
包案), and the ledger selector."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from tests.disputes.conftest import PARTIES, DisputeCity, photo
from zhengfa.audit.models import AuditEntry
from zhengfa.disputes.models import (
    DisputeCategory,
    Petition,
    RoutingRule,
    TaskReply,
    Way,
    routing_rule_problems,
)
from zhengfa.disputes.selectors import open_disputes_for_ledger, petition_owner
from zhengfa.disputes.services.analysis import (
    TaskInput,
    analysis_convene,
    task_reply,
    task_review,
)
from zhengfa.disputes.services.intake import dispute_report
from zhengfa.disputes.services.petitions import (
    petition_decide,
    petition_receive,
    petition_reply,
    petition_review_request,
    petition_route,
    petition_take_ownership,
)
from zhengfa.disputes.services.routing import Route, dispute_route
from zhengfa.flow.models import Matter
from zhengfa.flow.photos import PhotoInput, photo_check
from zhengfa.org.models import Unit, UnitKind, User
from zhengfa.org.roles import Role

SH = ZoneInfo("Asia/Shanghai")


def _report(dc: DisputeCity, **changes: object) -> object:
    fields: dict[str, object] = {
        "actor": dc.grid_worker,
        "channel": "grid",
        "category": "family_neighbour",
        "severity": "general",
        "description": "邻里纠纷",
        "grid_code": dc.grid.code,
        "parties": PARTIES,
    }
    fields.update(changes)
    return dispute_report(**fields)  # type: ignore[arg-type]


def test_the_first_matching_rule_fires_and_is_recorded(dc: DisputeCity) -> None:
    small = _report(dc, amount="300")
    assert small.way == Way.ON_THE_SPOT and small.matter.stage == "reported"  # type: ignore[attr-defined]
    labour = _report(dc, category="labour")
    decision = labour.decisions.get()  # type: ignore[attr-defined]
    assert (decision.way, decision.department, decision.unit) == (
        "by_subject",
        "human_resources",
        dc.hr_bureau,
    )
    assert labour.matter.owner == dc.hr_liaison  # type: ignore[attr-defined]
    major = _report(dc, severity="major", amount="9000")
    assert (major.level, major.matter.unit) == ("county", dc.county_room)  # type: ignore[attr-defined]


def test_a_person_overrides_with_a_reason(dc: DisputeCity) -> None:
    portal = dispute_report(
        actor=dc.user(Role.CITIZEN),
        channel="portal",
        category="other",
        severity="general",
        description="楼上噪音",
        grid_code=dc.grid.code,
    )
    assert portal.matter.stage == "reported" and not portal.decisions.exists()
    with pytest.raises(ValidationError) as refused:
        dispute_route(
            actor=dc.centre_operator, dispute=portal, override=Route("by_place", "township")
        )
    assert "reason" in refused.value.message_dict
    decision = dispute_route(
        actor=dc.centre_operator,
        dispute=portal,
        override=Route("by_place", "township"),
        reason="涉及多个村",
    )
    assert (
        decision.overridden and decision.rule is None and decision.unit == dc.township_mediator.unit
    )


def test_rules_that_route_nowhere_are_refused() -> None:
    assert "level" in routing_rule_problems(RoutingRule(way="by_place"))
    assert "department" in routing_rule_problems(RoutingRule(way="by_subject", level="county"))
    assert "max_amount" in routing_rule_problems(
        RoutingRule(way="by_place", level="village", min_amount=10, max_amount=5)
    )
    with pytest.raises(ValidationError):
        RoutingRule(name="x", way="by_subject").full_clean()


def test_no_matching_rule_or_no_organisation_writes_nothing(dc: DisputeCity) -> None:
    RoutingRule.objects.filter(priority=1000).update(active=False)
    before = (Matter.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ValidationError) as refused:
        _report(dc, amount="20000")
    assert "rule" in refused.value.message_dict
    Unit.objects.filter(pk=dc.hr_bureau.pk).update(name="改名的局")
    with pytest.raises(ValidationError) as nowhere:
        _report(dc, category="labour")
    assert "department" in nowhere.value.message_dict
    assert (Matter.objects.count(), AuditEntry.objects.count()) == before


def test_photos_must_be_real_small_images() -> None:
    assert photo_check(photo()).content_type == "image/png"
    for bad in (
        PhotoInput("x.jpg", b"not an image"),
        PhotoInput("big.png", b"\x89PNG" + b"0" * (9 * 1024 * 1024)),
        PhotoInput("e.png", b""),
    ):
        with pytest.raises(ValidationError):
            photo_check(bad)


def test_category_editable_and_unknown_refused(dc: DisputeCity) -> None:
    DisputeCategory.objects.create(code="pets", name="宠物", name_en="Pets")
    assert _report(dc, category="pets", amount="100").category.code == "pets"  # type: ignore[attr-defined]
    with pytest.raises(ValidationError) as refused:
        _report(dc, category="nope")
    assert "pets" in str(refused.value)


def test_task_list_reply_only_from_the_unit_it_was_sent_to(dc: DisputeCity) -> None:
    dispute = _report(dc, amount="20000")
    other = Unit.objects.create(
        code="X-DEPT", name="其他局", kind=UnitKind.DEPARTMENT, level="county", region_id="230402"
    )
    stranger = User.objects.create(username="stranger", role=Role.DEPT_LIAISON, unit=other)
    analysis = analysis_convene(
        actor=dc.centre_operator,
        topic="院墙纠纷联合研判",
        decision="人社局核实务工情况",
        department_codes=[dc.hr_bureau.code, other.code],
        dispute_ids=[dispute.pk],  # type: ignore[attr-defined]
        tasks=[TaskInput(dc.hr_bureau.code, "核实并书面答复", 10)],
    )
    task = analysis.tasks.get()
    assert task.matter.unit == dc.hr_bureau and task.matter.due_on is not None
    with pytest.raises(PermissionDenied):
        task_reply(actor=stranger, task=task, text="不是我们的事")
    assert not TaskReply.objects.exists()
    task_reply(actor=dc.hr_liaison, task=task, text="已核实，欠薪已支付")
    task_review(actor=dc.centre_operator, task=task, accept=False, note="请附支付凭证")
    task.matter.refresh_from_db()
    assert task.matter.stage == "assigned"
    task_reply(actor=dc.hr_liaison, task=task, text="附凭证")
    task_review(actor=dc.centre_operator, task=task, accept=True)
    task.matter.refresh_from_db()
    assert task.matter.status == "closed" and task.replies.count() == 2
    with pytest.raises(ValidationError):  # a neighbour county's department
        analysis_convene(
            actor=dc.centre_operator, topic="x", decision="y", department_codes=["230403-RSJ"]
        )


def test_petition_limits_review_and_leader_ownership(dc: DisputeCity) -> None:
    office = Unit.objects.create(
        code="XFJ",
        name="县信访局",
        kind=UnitKind.LETTERS_VISITS,
        level="county",
        region_id="230402",
    )
    city_office = Unit.objects.create(
        code="XFJ-C", name="市信访局", kind=UnitKind.LETTERS_VISITS, level="city", region_id="2304"
    )
    Unit.objects.filter(pk=office.pk).update(parent=city_office)
    clerk = User.objects.create(username="xf", role=Role.DEPT_LIAISON, unit=office)
    User.objects.create(username="xf-city", role=Role.DEPT_LIAISON, unit=city_office)
    start = datetime(2026, 5, 11, 9, tzinfo=SH)
    with time_machine.travel(start, tick=False):
        petition = petition_receive(
            actor=clerk,
            form="visit",
            complainant_name="王大妈",
            complainant_phone="13900001111",
            request="要求解决拆迁补偿",
        )
    matter = petition.matter
    assert petition.receipt_number.startswith("XF20260511")
    assert matter.due_on == start.date() + timedelta(days=15)  # petition.register
    assert petition.complainant.name_masked == "王**"
    with time_machine.travel(start + timedelta(days=3), tick=False):
        petition_route(actor=clerk, petition=petition, unit_code=office.code)
        petition_decide(actor=clerk, petition=petition, accept=True, note="属本机关职责")
    matter.refresh_from_db()
    assert matter.stage == "handling" and matter.due_on == start.date() + timedelta(days=3 + 60)
    commission = dc.user(Role.COMMISSION)
    petition_take_ownership(actor=commission, petition=petition, reason="积案，领导包案")
    assert petition_owner(Petition.objects.get(pk=petition.pk)) == commission
    with pytest.raises(PermissionDenied):
        petition_take_ownership(actor=dc.outsider, petition=petition, reason="x")
    with time_machine.travel(start + timedelta(days=30), tick=False):
        petition_reply(actor=clerk, petition=petition, reply="补偿已按标准核定")
    with (
        time_machine.travel(start + timedelta(days=61), tick=False),
        pytest.raises(ValidationError),
    ):
        petition_review_request(actor=clerk, petition=petition)  # the 30 days have passed
    with time_machine.travel(start + timedelta(days=45), tick=False):
        petition_review_request(actor=clerk, petition=petition)
    matter.refresh_from_db()
    assert (matter.stage, matter.unit) == ("review", city_office)


def test_ledger_lists_open_disputes_with_owners_and_no_personal_data(dc: DisputeCity) -> None:
    _report(dc, amount="20000")
    rows = open_disputes_for_ledger("230402")
    assert len(rows) == 1 and rows[0].owner == str(dc.village_mediator)
    assert "张三" not in repr(rows)
    assert open_disputes_for_ledger("230403") == []
    assert open_disputes_for_ledger("230402", user=dc.outsider) == []


def test_defaults_come_back_after_a_flush(db: None) -> None:
    from zhengfa.disputes.defaults import defaults_ensure
    from zhengfa.disputes.models import LevelLimit

    for model in (RoutingRule, DisputeCategory, LevelLimit):  # what a flush leaves
        model.objects.all().delete()
    assert defaults_ensure() is True
    assert (
        DisputeCategory.objects.count() == 8 and RoutingRule.objects.filter(priority=1000).exists()
    )
    assert defaults_ensure() is False
