"""The sweeper: find clocks that reached a warning threshold or ran out, and act on them.

Each batch is one transaction: ``SELECT … FOR UPDATE SKIP LOCKED`` claims up to ``batch``
clocks whose ``next_alert_at`` has passed (PostgreSQL; any number of workers on any number
of machines), records one ``Warning`` per reached threshold (a unique constraint makes a
second one impossible), queues the notices, escalates the overdue with an accountability
record, and moves each clock's ``next_alert_at`` on. A worker killed mid-batch commits
nothing; its locks die with its connection and the next worker takes the same clocks.
On SQLite there is no row locking: run one worker (docs/flow.md).
"""

from __future__ import annotations

import logging
import signal
import threading
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction

from zhengfa.flow import ladder
from zhengfa.flow.common import audit, now
from zhengfa.flow.models import (
    Accountability,
    Clock,
    Holding,
    Matter,
    MatterEvent,
    MatterEventKind,
    Notice,
    Warning,
)
from zhengfa.flow.notices import build, deliver_pending
from zhengfa.flow.services.clockops import next_alert
from zhengfa.flow.thresholds import OVERDUE, label, thresholds_of

log = logging.getLogger(__name__)


@dataclass
class SweepResult:
    clocks: int = 0
    warnings: int = 0
    overdue: int = 0
    notices: int = 0

    def add(self, other: SweepResult) -> None:
        self.clocks += other.clocks
        self.warnings += other.warnings
        self.overdue += other.overdue
        self.notices += other.notices


def sweep(*, at: datetime | None = None, batch: int = 500) -> SweepResult:
    """Sweep until no due clock is left (at ``at``, default now)."""
    total = SweepResult()
    while True:
        done = sweep_batch(at=at or now(), batch=batch)
        total.add(done)
        if done.clocks < batch:
            return total


def sweep_batch(*, at: datetime, batch: int = 500) -> SweepResult:
    with transaction.atomic():
        clocks = list(
            Clock.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related(
                "matter", "matter__owner", "matter__unit", "matter__unit__parent", "holder"
            )
            .filter(next_alert_at__lte=at)
            .order_by("next_alert_at")[:batch]
        )
        if not clocks:
            return SweepResult()
        return _act(clocks, at)


def _act(clocks: list[Clock], at: datetime) -> SweepResult:
    fired: dict[int, set[int]] = defaultdict(set)
    for clock_id, threshold in Warning.objects.filter(clock__in=clocks).values_list(
        "clock_id", "threshold_s"
    ):
        fired[clock_id].add(threshold)
    result = SweepResult(clocks=len(clocks))
    warnings: list[Warning] = []
    notices = []
    for clock in clocks:
        reached = [
            t
            for t in thresholds_of(clock)
            if t not in fired[clock.pk] and clock.due_at.timestamp() - t <= at.timestamp()
        ]
        tightest = min(reached, default=None)
        warnings += [
            Warning(clock=clock, threshold_s=t, fired_at=at, notified=t == tightest)
            for t in reached
        ]
        fired[clock.pk].update(reached)
        if tightest == OVERDUE:
            result.overdue += 1
            notices += _overdue(clock, at)
        elif tightest is not None and _recipient(clock) is not None:
            notices.append(
                build(
                    _recipient(clock),
                    _warning_subject(clock, tightest),
                    _warning_body(clock),
                    clock.matter,
                )
            )
        clock.next_alert_at = next_alert(clock, fired[clock.pk])
    Warning.objects.bulk_create(warnings)
    Notice.objects.bulk_create(notices)
    Clock.objects.bulk_update(clocks, ["next_alert_at"])
    result.warnings, result.notices = len(warnings), len(notices)
    return result


def _recipient(clock: Clock) -> Any:
    return clock.holder or clock.matter.owner


def _warning_subject(clock: Clock, threshold: int) -> str:
    return f"期限预警 Due in {label(threshold)}: {clock.matter.title}"


def _warning_body(clock: Clock) -> str:
    return f"{clock.label}: {clock.due_on:%Y-%m-%d} ({clock.due_at:%H:%M})"


def _overdue(clock: Clock, at: datetime) -> list[Any]:
    """Accountability (who held it, how long, which step) and escalation one level up."""
    matter = clock.matter
    holder = _recipient(clock)
    above = ladder.superior(holder, matter.unit) if holder is not None else None
    holding = (
        Holding.objects.filter(matter=matter, holder=holder).order_by("-since").first()
        if holder is not None
        else None
    )
    since = holding.since if holding else matter.opened_at
    record = Accountability.objects.create(
        matter=matter,
        clock=clock,
        holder=holder,
        held_since=since,
        held_days=max((at - since).days, 0),
        step=clock.label[:120],
        due_at=clock.due_at,
        recorded_at=at,
        escalated_to=above,
    )
    if above is not None and clock.purpose != "approval":
        Matter.objects.filter(pk=matter.pk).update(escalated_to=above)
    MatterEvent.objects.create(
        matter=matter,
        kind=MatterEventKind.ESCALATED,
        at=at,
        note=f"{clock.label} overdue; escalated to {above or '—'}",
    )
    audit(
        actor=None,
        action="matter.escalate",
        subject=matter,
        new={
            "clock": clock.pk,
            "holder": getattr(holder, "pk", None),
            "escalated_to": getattr(above, "pk", None),
            "accountability": record.pk,
        },
        reason=f"逾期 overdue: {clock.label}",
    )
    subject = f"已逾期 Overdue: {matter.title}"
    body = f"{clock.label}: {clock.due_on:%Y-%m-%d}"
    return [build(person, subject, body, matter) for person in (holder, above) if person]


class Worker:
    """The loop behind ``zhengfa worker``: sweep, deliver notices, sleep; stops on SIGTERM."""

    def __init__(self, interval: float = 30.0, batch: int = 500) -> None:
        self.interval, self.batch = interval, batch
        self.stopping = threading.Event()

    def install_signals(self) -> None:
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: self.stopping.set())

    def run(self, *, once: bool = False) -> SweepResult:
        total = SweepResult()
        while not self.stopping.is_set():
            total.add(sweep(batch=self.batch))
            while deliver_pending() and not self.stopping.is_set():
                pass
            if once:
                break
            self.stopping.wait(self.interval)
        return total
