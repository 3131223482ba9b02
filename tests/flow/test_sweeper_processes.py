"""Several real worker processes against one PostgreSQL, and a worker killed mid-batch."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from tests.flow.conftest import World
from zhengfa.flow import clocks as legal
from zhengfa.flow.models import Clock, ClockState, Matter, Warning

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]
DAY = 86400


def _due_clocks(world: World, n: int) -> set[int]:
    """``n`` open matters with a 3-day clock started today, set up in bulk; returns the
    thresholds (seconds before the due instant) that have already passed."""
    at = timezone.now()
    value = legal.new_value(
        rule="", started_on=at.date(), started_at=at, period=legal.period_of(3, "days")
    )
    matters = Matter.objects.bulk_create(
        Matter(
            kind="test_civil",
            title=f"m{i}",
            region_id="230402",
            unit=world.court,
            owner=world.judge,
            stage="filed",
            opened_at=at,
        )
        for i in range(n)
    )
    Clock.objects.bulk_create(
        Clock(
            matter=m,
            purpose="overall",
            label="reply",
            period_amount=3,
            period_unit="days",
            started_on=at.date(),
            started_at=at,
            state=ClockState.RUNNING,
            due_on=value.due_on,
            due_at=value.due_at,
            next_alert_at=value.due_at - timedelta(days=30),
            holder=world.judge,
        )
        for m in matters
    )
    thresholds = (30 * DAY, 15 * DAY, 7 * DAY, 3 * DAY, DAY)
    return {t for t in thresholds if value.due_at - timedelta(seconds=t) <= at}


def _env() -> dict[str, str]:
    s = connection.settings_dict
    url = f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"
    return {**os.environ, "DATABASE_URL": url}


def _assert_exactly_once(n: int, reached: set[int]) -> None:
    per_clock = Warning.objects.values("clock").annotate(n=Count("id"))
    assert len(per_clock) == n and {row["n"] for row in per_clock} == {len(reached)}
    assert set(Warning.objects.values_list("threshold_s", flat=True)) == reached
    assert not Clock.objects.filter(next_alert_at__lte=timezone.now()).exists()


def test_four_workers_warn_exactly_once_per_clock_and_threshold(world: World) -> None:
    n = 3000
    reached = _due_clocks(world, n)
    command = [sys.executable, "-m", "zhengfa.cli", "sweep", "--batch", "50", "--no-deliver"]
    workers = [
        subprocess.Popen(command, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(4)
    ]
    outputs = [w.communicate(timeout=600) for w in workers]
    assert all(w.returncode == 0 for w in workers), [err.decode()[-2000:] for _, err in outputs]
    _assert_exactly_once(n, reached)
    shares = [int(out.decode().split("warnings ")[1].split()[0]) for out, _ in outputs]
    assert sum(shares) == n * len(reached)


HANGING_WORKER = """
import sys, time, pathlib
from zhengfa.cli import main
import django, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhengfa.settings")
django.setup()
from zhengfa.flow import sweeper
original = sweeper.Notice.objects.bulk_create
def hang(objs, *a, **k):
    made = original(objs, *a, **k)
    pathlib.Path(sys.argv[1]).write_text("mid-batch")
    time.sleep(600)
    return made
sweeper.Notice.objects.bulk_create = hang
sweeper.sweep(batch=100)
"""


def test_a_worker_killed_mid_batch_loses_nothing_and_repeats_nothing(
    world: World, tmp_path: Path
) -> None:
    n = 300
    reached = _due_clocks(world, n)
    marker = tmp_path / "marker"
    child = subprocess.Popen([sys.executable, "-c", HANGING_WORKER, str(marker)], env=_env())
    while not marker.exists():
        assert child.poll() is None, "the worker ended before reaching mid-batch"
        time.sleep(0.05)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert not Warning.objects.exists()  # its batch died uncommitted
    from zhengfa.flow.sweeper import sweep

    result = sweep(batch=100)
    assert result.clocks == n
    _assert_exactly_once(n, reached)
