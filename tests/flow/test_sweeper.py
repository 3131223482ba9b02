from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import time_machine
from django.core import mail
from django.test import override_settings

from tests.flow.conftest import World, open_case
from zhengfa.flow.models import Accountability, Clock, Matter, Notice, Warning
from zhengfa.flow.notices import MemorySmsBackend, deliver_pending
from zhengfa.flow.sweeper import sweep
from zhengfa.flow.thresholds import OVERDUE

SH = ZoneInfo("Asia/Shanghai")
DAY = 86400


def test_each_threshold_warns_once_and_the_tightest_is_notified(world: World) -> None:
    matter = open_case(world)  # due 2026-09-02, end of day
    clock = matter.clocks.get(purpose="overall")
    first = sweep(at=datetime(2026, 8, 25, 9, 0, tzinfo=SH))  # 30 and 15 days have passed
    assert first.warnings == 2 and first.notices == 1
    assert set(Warning.objects.values_list("threshold_s", flat=True)) == {30 * DAY, 15 * DAY}
    again = sweep(at=datetime(2026, 8, 25, 9, 0, tzinfo=SH))
    assert again.clocks == 0 and Warning.objects.count() == 2
    Clock.objects.filter(pk=clock.pk).update(next_alert_at=clock.started_at)  # force a re-look
    sweep(at=datetime(2026, 8, 25, 9, 0, tzinfo=SH))
    assert Warning.objects.count() == 2  # nothing repeated
    notice = Notice.objects.get(recipient=world.judge)
    assert "15天" in notice.subject


def test_overdue_escalates_one_level_up_with_an_accountability_record(world: World) -> None:
    with time_machine.travel(datetime(2026, 3, 2, 10, 0, tzinfo=SH), tick=False):
        matter = open_case(world)
    result = sweep(at=datetime(2026, 9, 3, 9, 0, tzinfo=SH))
    assert result.overdue == 1
    record = Accountability.objects.get()
    assert record.holder == world.judge and record.escalated_to == world.division_president
    assert record.held_days >= 180 and record.step.startswith("民事一审")
    assert Matter.objects.get(pk=matter.pk).escalated_to == world.division_president
    assert Warning.objects.filter(threshold_s=OVERDUE).count() == 1
    assert Clock.objects.get(purpose="overall").next_alert_at is None
    assert sweep(at=datetime(2026, 9, 4, 9, 0, tzinfo=SH)).overdue == 0
    # the division president now sees the matter escalated to them; the outsider never
    assert Matter.objects.for_user(world.division_president).filter(pk=matter.pk).exists()
    assert not Matter.objects.for_user(world.outsider).exists()


@override_settings(
    EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    SMS_BACKEND="zhengfa.flow.notices.MemorySmsBackend",
)
def test_notices_follow_each_persons_choice(world: World) -> None:
    world.judge.notify_email = True
    world.judge.notify_sms = True
    world.judge.save()
    world.division_president.notify_inbox = False
    world.division_president.save()
    MemorySmsBackend.outbox.clear()
    open_case(world)
    sweep(at=datetime(2026, 9, 3, 9, 0, tzinfo=SH))
    assert deliver_pending() == 1 and deliver_pending() == 0
    assert [m.to for m in mail.outbox] == [["judge@example.org"]]
    assert len(MemorySmsBackend.outbox) == 1
    assert Notice.objects.get(recipient=world.division_president).channels == []


def test_paused_and_stopped_clocks_are_not_swept(world: World) -> None:
    from zhengfa.flow.services.clockops import clock_pause

    clock = open_case(world).clocks.get(purpose="overall")
    clock_pause(
        actor=world.judge, clock=clock, on=date(2026, 4, 1), reason_code="appraisal", reason="鉴定"
    )
    assert sweep(at=datetime(2027, 1, 1, tzinfo=SH)).clocks == 0
    assert Matter.objects.get().paused is True


def test_a_township_task_overdue_escalates_to_the_county(world: World) -> None:
    from zhengfa.flow.services.matters import matter_open
    from zhengfa.org.models import Region, RegionLevel, Unit, UnitKind, User
    from zhengfa.org.roles import Role

    Region.objects.create(
        code="230402001", name="街道", level=RegionLevel.TOWNSHIP, parent_id="230402"
    )
    county = Unit.objects.create(
        code="G1",
        name="区综治中心",
        kind=UnitKind.GOVERNANCE_CENTRE,
        level=RegionLevel.COUNTY,
        region_id="230402",
    )
    township = Unit.objects.create(
        code="G2",
        name="街道综治中心",
        parent=county,
        kind=UnitKind.GOVERNANCE_CENTRE,
        level=RegionLevel.TOWNSHIP,
        region_id="230402001",
    )
    operator = User.objects.create(
        username="t_op", role=Role.CENTRE_OPERATOR, unit=township, region_id="230402001"
    )
    head = User.objects.create(
        username="c_op", role=Role.CENTRE_OPERATOR, unit=county, region_id="230402"
    )
    with time_machine.travel(datetime(2026, 3, 2, 10, 0, tzinfo=SH), tick=False):
        task = matter_open(
            actor=operator,
            kind="task",
            title="排查回复",
            region_code="230402001",
            unit=township,
            owner=operator,
            deadline=(3, "days"),
        )
    assert task.due_on == date(2026, 3, 5)
    sweep(at=datetime(2026, 3, 6, 9, 0, tzinfo=SH))
    record = Accountability.objects.get(matter=task)
    assert (record.holder, record.escalated_to) == (operator, head)
    assert Matter.objects.for_user(head).filter(pk=task.pk).exists()
    assert not Matter.objects.for_user(world.outsider).filter(pk=task.pk).exists()
