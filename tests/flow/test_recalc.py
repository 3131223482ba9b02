from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.flow.conftest import World, open_case
from zhengfa.flow import clocks as legal
from zhengfa.flow.models import Clock, ClockEvent, Notice
from zhengfa.flow.recalc import clock_recalc
from zhengfa.flow.services.clockops import clock_deduct


def test_recalc_moves_only_what_changed_and_records_it(world: World) -> None:
    plain = open_case(world, title="普通").clocks.get()
    deducted = open_case(world, title="扣除").clocks.get()
    clock_deduct(
        actor=world.judge,
        clock=deducted,
        on=date(2026, 4, 1),
        days=5,
        reason_code="notice_period",
        reason="公告",
    )
    assert clock_recalc(actor=None, reason="nothing changed").moved == 0
    # a stored due date that disagrees with the calendar (as after a notice import)
    Clock.objects.filter(pk=plain.pk).update(due_on=date(2026, 9, 9))
    Clock.objects.filter(pk=deducted.pk).update(due_on=date(2026, 8, 1))
    result = clock_recalc(actor=None, reason="2026 notice corrected")
    assert (result.examined, result.bulk, result.moved, result.earlier) == (2, 1, 2, 1)
    for clock in Clock.objects.all():
        assert clock.due_on == legal.replay(clock, clock.events.all()).due_on
    event = ClockEvent.objects.get(clock=plain, kind="recalc")
    assert (event.due_before, event.reason) == (date(2026, 9, 9), "2026 notice corrected")
    assert Notice.objects.filter(subject__contains="earlier").count() == 1


def test_recalc_limited_to_a_rule_leaves_other_clocks_alone(world: World) -> None:
    clock = open_case(world).clocks.get()
    Clock.objects.filter(pk=clock.pk).update(due_on=date(2026, 9, 9))
    assert clock_recalc(actor=None, reason="x", rules=["criminal.first.public"]).examined == 0
    assert Clock.objects.get(pk=clock.pk).due_on == date(2026, 9, 9)
    assert clock_recalc(actor=None, reason="x", rules=["civil.first.ordinary"]).moved == 1


def test_recalc_command_needs_a_reason_and_exits_2(world: World) -> None:
    with pytest.raises(CommandError) as refused:
        call_command("clock", "recalc")
    assert refused.value.returncode == 2 and "--reason" in str(refused.value)
    call_command("clock", "recalc", "--reason", "test")
