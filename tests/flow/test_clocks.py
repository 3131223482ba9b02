from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from tests.flow.conftest import World, open_case
from zhengfa.flow import clocks as legal
from zhengfa.flow.models import Clock, ClockEvent, ClockState
from zhengfa.flow.services.clockops import (
    clock_deduct,
    clock_extend,
    clock_pause,
    clock_resume,
    clock_start,
    clock_stop,
)

SH = ZoneInfo("Asia/Shanghai")


def replay_matches_every_clock() -> None:
    """The stored due date of every clock equals the legal clock replaying its events."""
    for clock in Clock.objects.all():
        value = legal.replay(clock, clock.events.all())
        assert (clock.due_on, clock.due_at) == (value.due_on, value.due_at), clock


def test_events_are_recorded_and_the_stored_due_date_is_the_replayed_one(world: World) -> None:
    matter = open_case(world)
    overall = matter.clocks.get(purpose="overall")
    before = overall.due_on
    clock_pause(
        actor=world.judge,
        clock=overall,
        on=date(2026, 4, 1),
        reason_code="appraisal",
        reason="委托鉴定",
    )
    clock_resume(actor=world.judge, clock=overall, on=date(2026, 4, 20), reason="鉴定完成")
    clock_deduct(
        actor=world.judge,
        clock=overall,
        on=date(2026, 5, 1),
        days=10,
        reason_code="notice_period",
        reason="公告送达",
    )
    clock_extend(
        actor=world.president,
        clock=overall,
        on=date(2026, 6, 1),
        level="court_president",
        reason="案情复杂",
        amount=6,
        unit="months",
    )
    overall.refresh_from_db()
    assert overall.due_on > before and overall.extensions_used == 1
    kinds = list(overall.events.values_list("kind", flat=True))
    assert kinds == ["start", "pause", "resume", "deduct", "extend"]
    event = overall.events.get(kind="deduct")
    assert "Civil Interp. art. 243" in event.legal_basis and event.actor == world.judge
    replay_matches_every_clock()


def test_pausing_twice_is_refused_and_changes_nothing(world: World) -> None:
    overall = open_case(world).clocks.get(purpose="overall")
    clock_pause(
        actor=world.judge,
        clock=overall,
        on=date(2026, 4, 1),
        reason_code="appraisal",
        reason="鉴定",
    )
    events = ClockEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        clock_pause(
            actor=world.judge,
            clock=overall,
            on=date(2026, 4, 5),
            reason_code="appraisal",
            reason="again",
        )
    assert "already paused" in str(refused.value)
    assert ClockEvent.objects.count() == events


def test_an_unlawful_reason_is_refused_naming_the_accepted_ones(world: World) -> None:
    overall = open_case(world).clocks.get(purpose="overall")
    with pytest.raises(ValidationError) as refused:
        clock_deduct(
            actor=world.judge,
            clock=overall,
            on=date(2026, 4, 1),
            days=3,
            reason_code="holiday",
            reason="想休息",
        )
    assert "accepted: notice_period" in str(refused.value)


def test_extending_a_stopped_clock_is_refused(world: World) -> None:
    overall = open_case(world).clocks.get(purpose="overall")
    clock_stop(actor=world.judge, clock=overall, on=date(2026, 5, 1), reason="判决")
    with pytest.raises(ValidationError) as refused:
        clock_extend(
            actor=world.president,
            clock=overall,
            on=date(2026, 5, 2),
            level="court_president",
            reason="x",
        )
    assert "stopped" in str(refused.value)
    assert Clock.objects.get(pk=overall.pk).extensions_used == 0


def test_extension_at_the_wrong_level_is_refused_by_the_ladder(world: World) -> None:
    overall = open_case(world).clocks.get(purpose="overall")
    with pytest.raises(ValidationError) as refused:
        clock_extend(
            actor=world.division_president,
            clock=overall,
            on=date(2026, 5, 2),
            level="division_president",
            reason="x",
        )
    assert "court_president" in str(refused.value)


def test_minute_clocks_store_a_due_instant(world: World) -> None:
    matter = open_case(world)
    at = datetime(2026, 3, 10, 15, 20, tzinfo=SH)
    dispatch = clock_start(
        actor=world.judge,
        matter=matter,
        purpose="dispatch",
        label="出警 dispatch",
        period=(15, "minutes"),
        at=at,
    )
    assert dispatch.due_at == datetime(2026, 3, 10, 15, 36, tzinfo=SH)
    assert dispatch.state == ClockState.RUNNING and dispatch.span_kind == "minutes"
    replay_matches_every_clock()


@time_machine.travel(datetime(2026, 3, 10, 9, 0, tzinfo=SH), tick=False)
def test_a_bad_unit_names_the_accepted_ones(world: World) -> None:
    matter = open_case(world)
    with pytest.raises(ValidationError) as refused:
        clock_start(
            actor=world.judge, matter=matter, purpose="x", label="x", period=(3, "fortnights")
        )
    assert "accepted: minutes" in str(refused.value)
