from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.flow.conftest import World, open_case
from zhengfa.audit.models import AuditEntry
from zhengfa.clock import Clock as LegalClock
from zhengfa.flow.common import Conflict
from zhengfa.flow.models import ClockState, Matter, MatterStatus
from zhengfa.flow.services.matters import matter_edit, matter_move


def test_open_starts_the_overall_clock_as_the_legal_clock_computes(world: World) -> None:
    matter = open_case(world)
    overall = matter.clocks.get(purpose="overall")
    expected = LegalClock.start_under("civil.first.ordinary", date(2026, 3, 2))
    assert (overall.due_on, overall.due_at) == (expected.due_on, expected.due_at)
    assert matter.due_on == expected.due_on
    assert AuditEntry.objects.filter(action="flow.matter.open").count() == 1


def test_move_follows_the_declared_stages_and_starts_the_stage_clock(world: World) -> None:
    matter = open_case(world)
    matter_move(
        actor=world.registrar, matter=matter, to_stage="serve", version=1, on=date(2026, 3, 3)
    )
    serve = matter.clocks.get(purpose="stage:serve")
    assert serve.due_on == LegalClock.start_under("civil.complaint.serve", date(2026, 3, 3)).due_on
    matter.refresh_from_db()
    assert matter.due_on == serve.due_on  # the earliest running clock is the matter's due date
    matter_move(actor=world.judge, matter=matter, to_stage="trial", version=2)
    serve.refresh_from_db()
    assert serve.state == ClockState.STOPPED


def test_closing_stops_every_clock(world: World) -> None:
    matter = open_case(world)
    for actor, stage in (
        (world.registrar, "serve"),
        (world.judge, "trial"),
        (world.judge, "closed"),
    ):
        matter_move(actor=actor, matter=matter, to_stage=stage, version=matter.version)
    matter.refresh_from_db()
    assert matter.status == MatterStatus.CLOSED and matter.due_on is None
    assert set(matter.clocks.values_list("state", flat=True)) == {ClockState.STOPPED}


def test_an_undeclared_move_or_a_wrong_role_changes_nothing(world: World) -> None:
    matter = open_case(world)
    with pytest.raises(ValidationError) as bad:
        matter_move(actor=world.registrar, matter=matter, to_stage="closed", version=1)
    assert "accepted: serve" in str(bad.value)
    with pytest.raises(PermissionDenied):
        matter_move(actor=world.judge, matter=matter, to_stage="serve", version=1)
    with pytest.raises(PermissionDenied):
        matter_move(actor=world.outsider, matter=matter, to_stage="serve", version=1)
    matter.refresh_from_db()
    assert (matter.stage, matter.version, matter.clocks.count()) == ("filed", 1, 1)


def test_stale_edit_is_a_conflict_not_an_overwrite(world: World) -> None:
    matter = open_case(world)
    first = Matter.objects.get(pk=matter.pk)
    second = Matter.objects.get(pk=matter.pk)
    matter_edit(actor=world.judge, matter=first, version=1, title="新标题")
    audits = AuditEntry.objects.count()
    with pytest.raises(Conflict) as conflict:
        matter_edit(actor=world.registrar, matter=second, version=1, title="另一个标题")
    assert conflict.value.status == 409 and conflict.value.current == 2
    assert Matter.objects.get(pk=matter.pk).title == "新标题"
    assert AuditEntry.objects.count() == audits


def test_outsider_cannot_open_a_matter_in_another_court(world: World) -> None:
    from zhengfa.flow.services.matters import matter_open

    with pytest.raises(PermissionDenied):
        matter_open(
            actor=world.outsider,
            kind="test_civil",
            title="x",
            region_code="230402",
            unit=world.court,
            owner=world.judge,
        )
    assert Matter.objects.count() == 0


def test_scope_outsider_sees_nothing_commission_sees_its_region(world: World) -> None:
    matter = open_case(world)
    assert not Matter.objects.for_user(world.outsider).exists()
    assert list(Matter.objects.for_user(world.commission)) == [matter]
    assert list(Matter.objects.for_user(world.judge)) == [matter]
