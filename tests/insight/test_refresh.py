"""The count tables: incremental refresh equals a full rebuild, also after a killed run."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db.models import Sum

from tests.insight.world import TODAY, World, add_matter, build_world, change_matter
from tests.org.mini_city import MiniCity
from zhengfa.insight import refresh as refresh_module
from zhengfa.insight.models import (
    AreaCount,
    DailyCount,
    MatterChange,
    MatterFact,
    MonthlyCount,
    OpenCount,
)
from zhengfa.insight.refresh import rebuild, refresh

pytestmark = pytest.mark.django_db


def snapshot() -> dict[str, Any]:
    def rows(model: Any) -> list[Any]:
        names = [f.name for f in model._meta.fields if f.name != "id"]
        return sorted(model.objects.values_list(*names), key=repr)

    tables = (DailyCount, MonthlyCount, AreaCount, OpenCount, MatterFact)
    return {model.__name__: rows(model) for model in tables}


def _churn(world: World, rounds: int) -> None:
    for _ in range(rounds):
        if world.rng.random() < 0.3:
            add_matter(world)
        else:
            change_matter(world, world.rng.choice(world.matters))


def test_triggers_queue_every_written_matter(mini_city: MiniCity) -> None:
    world = build_world(mini_city, matters=5, changes=0)
    queued = set(MatterChange.objects.values_list("matter_id", flat=True))
    assert queued == {m.pk for m in world.matters}


def test_incremental_refresh_equals_full_rebuild(mini_city: MiniCity) -> None:
    world = build_world(mini_city)
    refresh(limit=7)
    for _ in range(4):
        _churn(world, 25)
        refresh(limit=9)
        incremental = snapshot()
        assert MatterChange.objects.count() == 0
        rebuild()
        assert snapshot() == incremental
    assert sum(row[5] for row in incremental["OpenCount"]) > 0  # open matters
    assert sum(row[7] for row in incremental["OpenCount"]) > 0  # overdue ones
    assert len({row[5] for row in incremental["DailyCount"]}) >= 8  # most measures present
    assert {row[5] for row in incremental["AreaCount"]} == {"d", "m"}


def test_a_refresher_killed_mid_batch_resumes_to_the_same_tables(
    mini_city: MiniCity, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = build_world(mini_city)
    rebuild()
    _churn(world, 40)
    real_recount = refresh_module._recount_open
    calls = {"n": 0}

    def dies_on_third_batch(partitions: Any, today: Any) -> None:
        calls["n"] += 1
        real_recount(partitions, today)
        if calls["n"] == 3:
            raise KeyboardInterrupt("killed")

    monkeypatch.setattr(refresh_module, "_recount_open", dies_on_third_batch)
    with pytest.raises(KeyboardInterrupt):
        refresh(limit=5)
    assert MatterChange.objects.exists()  # the killed batch is still queued
    monkeypatch.setattr(refresh_module, "_recount_open", real_recount)
    refresh(limit=5)
    resumed = snapshot()
    rebuild()
    assert snapshot() == resumed


def test_counts_moved_a_few_keys_a_statement_equal_a_rebuild(
    mini_city: MiniCity, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch moves the event rows by the new facts' counts minus the old ones', in
    statements of ``KEYS_PER_STATEMENT`` keys; rows brought to 0 (a re-opened matter's
    closing) are deleted, as a rebuild would not have them."""
    world = build_world(mini_city)
    refresh()
    monkeypatch.setattr(refresh_module, "KEYS_PER_STATEMENT", 3)
    _churn(world, 40)
    refresh(limit=50)
    incremental = snapshot()
    rebuild()
    assert snapshot() == incremental
    assert all(row[-1] > 0 for row in incremental["AreaCount"])


def test_command_refresh_and_full_rebuild_agree(mini_city: MiniCity) -> None:
    from django.core.management import call_command

    build_world(mini_city)
    call_command("insight", "refresh", "--batch", "11")
    incremental = snapshot()
    call_command("insight", "refresh", "--full")
    assert snapshot() == incremental
    assert incremental["MatterFact"]


def test_the_sweeper_keeps_the_count_tables_current(mini_city: MiniCity) -> None:
    from zhengfa.flow.sweeper import sweep

    world = build_world(mini_city, matters=10, changes=0)
    sweep()
    assert not MatterChange.objects.exists()
    assert MatterFact.objects.count() == len(world.matters)


def test_bad_batch_size_exits_2(mini_city: MiniCity) -> None:
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError) as error:
        call_command("insight", "refresh", "--batch", "0")
    assert error.value.returncode == 2


def test_when_the_day_turns_overdue_is_recounted(mini_city: MiniCity) -> None:
    build_world(mini_city)
    rebuild(today=TODAY)
    before = OpenCount.objects.aggregate(n=Sum("overdue"))["n"]
    refresh(today=TODAY + timedelta(days=20))
    moved = snapshot()
    assert OpenCount.objects.aggregate(n=Sum("overdue"))["n"] > before
    rebuild(today=TODAY + timedelta(days=20))
    assert snapshot() == moved


def test_a_sweep_pass_applies_a_bounded_slice_and_the_next_passes_the_rest(
    mini_city: MiniCity, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.utils import timezone

    from zhengfa.flow.sweeper import sweep
    from zhengfa.insight import apps
    from zhengfa.insight.alerts.models import DetectionRun
    from zhengfa.insight.alerts.services import last_closed_week

    monkeypatch.setattr(apps, "SWEEP_BATCH_SIZE", 3)
    monkeypatch.setattr(apps, "SWEEP_BATCHES", 2)
    # This week's detection already ran, as on every pass but the weekly one (which
    # drains the queue first, so that the week it tests is counted in full).
    week = last_closed_week(timezone.now())
    DetectionRun.objects.create(week=week, ran_at=timezone.now(), alpha=0.05, control="fdr")
    world = build_world(mini_city, matters=20, changes=0)
    queued = MatterChange.objects.count()
    sweep()
    assert MatterChange.objects.count() == queued - 2 * 3  # two batches of three per pass
    assert MatterFact.objects.exists()
    passes = 1
    while MatterChange.objects.exists():
        sweep()
        passes += 1
    assert passes == -(-queued // 6)
    incremental = snapshot()
    rebuild()
    assert snapshot() == incremental and len(incremental["MatterFact"]) == len(world.matters)


def test_a_full_rebuild_keeps_a_change_committed_during_it(mini_city: MiniCity) -> None:
    """A writer that drew a queue id before the rebuild started but commits during it
    (after its matter was read) leaves a row with an id below the highest one seen; the
    rebuild must delete only the rows that existed when it started."""
    build_world(mini_city, matters=6, changes=0)
    ids = sorted(MatterChange.objects.values_list("id", flat=True))
    late_id, late_matter = MatterChange.objects.values_list("id", "matter_id").get(id=ids[2])
    MatterChange.objects.filter(id=late_id).delete()  # not yet committed at the start

    def commit_late(_step: int) -> None:
        if not MatterChange.objects.filter(id=late_id).exists():
            MatterChange.objects.create(id=late_id, matter_id=late_matter)

    result = rebuild(progress=commit_late)
    assert list(MatterChange.objects.values_list("id", flat=True)) == [late_id]
    assert result.changes == len(ids) - 1
