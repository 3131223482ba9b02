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
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import InterfaceError, OperationalError, connection, transaction

from zhengfa.audit.checkpoints import checkpoint_write
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
from zhengfa.flow.thresholds import OVERDUE, label, threshold_kind, thresholds_for
from zhengfa.pii.rotation import pii_rotate_background

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


# Domains that act on their own overdue limits (a dispute goes one level up) register a
# step here; ``sweep`` runs each, with the sweep's instant, once the clocks are swept.
AFTER_SWEEP: list[Callable[[datetime], object]] = []


def sweep(*, at: datetime | None = None, batch: int = 500, after: bool = True) -> SweepResult:
    """Sweep until no due clock is left (at ``at``, default now), then run the domains'
    steps (``after=False`` leaves them to the caller, as the benchmark does to time them
    apart)."""
    total = SweepResult()
    while True:
        done = sweep_batch(at=at or now(), batch=batch)
        total.add(done)
        if done.clocks < batch:
            break
    if after:
        run_after_sweep(at or now())
    return total


def run_after_sweep(at: datetime) -> None:
    for step in AFTER_SWEEP:
        step(at)


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
    notices: list[Notice] = []
    overdue: list[Clock] = []
    cache: dict[tuple[str, str], tuple[int, ...]] = {}
    now_s = at.timestamp()
    for clock in clocks:
        key = (clock.rule, threshold_kind(clock))
        if key not in cache:
            cache[key] = thresholds_for(*key)
        due_s, done = clock.due_at.timestamp(), fired[clock.pk]
        reached = [t for t in cache[key] if t not in done and due_s - t <= now_s]
        tightest = min(reached, default=None)
        warnings += [
            Warning(clock=clock, threshold_s=t, fired_at=at, notified=t == tightest)
            for t in reached
        ]
        fired[clock.pk].update(reached)
        if tightest == OVERDUE:
            overdue.append(clock)
        elif tightest is not None and _recipient(clock) is not None:
            subject = _warning_subject(clock, tightest)
            notices.append(build(_recipient(clock), subject, _warning_body(clock), clock.matter))
        clock.next_alert_at = next_alert(clock, fired[clock.pk], cache[key])
    Warning.objects.bulk_create(warnings)
    notices += Escalation(at).run(overdue)
    Notice.objects.bulk_create(notices)
    _set_next_alerts(clocks)
    result.warnings, result.notices, result.overdue = len(warnings), len(notices), len(overdue)
    return result


def _set_next_alerts(clocks: list[Clock]) -> None:
    """One UPDATE … FROM (VALUES …) for the batch (Django's bulk_update builds a CASE per
    row, which costs more than the rest of the batch)."""
    ops = connection.ops
    values = [(c.pk, ops.adapt_datetimefield_value(c.next_alert_at)) for c in clocks]
    if connection.vendor == "postgresql":
        rows = ", ".join(["(%s, %s::timestamptz)"] * len(values))
        sql = (
            "UPDATE flow_clock AS c SET next_alert_at = v.a "  # noqa: S608 (placeholders only)
            f"FROM (VALUES {rows}) AS v(id, a) WHERE c.id = v.id"
        )
    else:
        rows = ", ".join(["(%s, %s)"] * len(values))
        sql = (
            "UPDATE flow_clock SET next_alert_at = v.column2 "  # noqa: S608 (placeholders only)
            f"FROM (VALUES {rows}) AS v WHERE flow_clock.id = v.column1"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, [item for pair in values for item in pair])


def _recipient(clock: Clock) -> Any:
    return clock.holder or clock.matter.owner


def _warning_subject(clock: Clock, threshold: int) -> str:
    return f"期限预警 Due in {label(threshold)}: {clock.matter.title}"


def _warning_body(clock: Clock) -> str:
    return f"{clock.label}: {clock.due_on:%Y-%m-%d} ({clock.due_at:%H:%M})"


class Escalation:
    """Overdue clocks of one batch: an accountability record each (who held it, since
    when, which step slipped), the matter escalated to the person above the holder, a
    timeline entry, notices to both, and one audit row for the batch."""

    def __init__(self, at: datetime) -> None:
        self.at = at
        self.superiors: dict[tuple[int | None, int], Any] = {}

    def above(self, holder: Any, matter: Matter) -> Any:
        key = (getattr(holder, "pk", None), matter.unit_id)
        if key not in self.superiors:
            found = ladder.superior(holder, matter.unit) if holder is not None else None
            self.superiors[key] = found
        return self.superiors[key]

    def run(self, clocks: list[Clock]) -> list[Notice]:
        if not clocks:
            return []
        since = self._held_since(clocks)
        records, events, notices = [], [], []
        for clock in clocks:
            holder, matter = _recipient(clock), clock.matter
            above = self.above(holder, matter)
            start = since.get((matter.pk, getattr(holder, "pk", None)), matter.opened_at)
            records.append(self._record(clock, holder, above, start))
            events.append(
                MatterEvent(
                    matter=matter,
                    kind=MatterEventKind.ESCALATED,
                    at=self.at,
                    note=f"{clock.label} overdue; escalated to {above or '—'}",
                )
            )
            subject = f"已逾期 Overdue: {matter.title}"
            body = f"{clock.label}: {clock.due_on:%Y-%m-%d}"
            notices += [build(p, subject, body, matter) for p in (holder, above) if p]
        Accountability.objects.bulk_create(records)
        MatterEvent.objects.bulk_create(events)
        self._escalate(clocks)
        audit(
            actor=None,
            action="matter.escalate",
            subject_type="flow.sweep",
            subject_id=self.at.isoformat(),
            new={"matters": [c.matter_id for c in clocks], "clocks": [c.pk for c in clocks]},
            reason=f"逾期 overdue: {len(clocks)} clock(s)",
        )
        return notices

    def _held_since(self, clocks: list[Clock]) -> dict[tuple[int, int | None], datetime]:
        since: dict[tuple[int, int | None], datetime] = {}
        rows = Holding.objects.filter(matter__in=[c.matter_id for c in clocks]).order_by("since")
        for matter_id, holder_id, started in rows.values_list("matter_id", "holder_id", "since"):
            since[(matter_id, holder_id)] = started  # the latest holding wins
        return since

    def _record(self, clock: Clock, holder: Any, above: Any, since: datetime) -> Accountability:
        return Accountability(
            matter=clock.matter,
            clock=clock,
            holder=holder,
            held_since=since,
            held_days=max((self.at - since).days, 0),
            step=clock.label[:120],
            due_at=clock.due_at,
            recorded_at=self.at,
            escalated_to=above,
        )

    def _escalate(self, clocks: list[Clock]) -> None:
        by_superior: dict[int, list[int]] = defaultdict(list)
        for clock in clocks:
            above = self.above(_recipient(clock), clock.matter)
            if above is not None and clock.purpose != "approval":
                by_superior[above.pk].append(clock.matter_id)
        for superior_id, matter_ids in by_superior.items():
            Matter.objects.filter(pk__in=matter_ids).update(escalated_to_id=superior_id)


DATABASE_GONE = (OperationalError, InterfaceError)
RECONNECT_SECONDS = 2.0


class Worker:
    """The loop behind ``zhengfa worker``: sweep, deliver notices, sign the audit chains'
    heads every ``checkpoint_every`` seconds, re-encrypt personal data in batches while a
    key rotation is under way (``pii.rotation``), sleep; stops on SIGTERM."""

    def __init__(
        self, interval: float = 30.0, batch: int = 500, checkpoint_every: float = 300.0
    ) -> None:
        self.interval, self.batch = interval, batch
        self.checkpoint_every = checkpoint_every
        self.next_checkpoint = 0.0
        self.stopping = threading.Event()

    def install_signals(self) -> None:
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: self.stopping.set())

    def run(self, *, once: bool = False) -> SweepResult:
        total = SweepResult()
        while not self.stopping.is_set():
            try:
                self._round(total)
            except DATABASE_GONE:
                if once:
                    raise
                # The database restarted or the network dropped: what the round did not
                # commit is rolled back and found again by the next round. Exiting instead
                # would make `zhengfa serve` stop the web server too (bench/faults).
                log.warning("worker: database unavailable, retrying", exc_info=True)
                connection.close()
                self.stopping.wait(min(self.interval, RECONNECT_SECONDS))
                continue
            if once:
                break
            self.stopping.wait(self.interval)
        return total

    def _round(self, total: SweepResult) -> None:
        total.add(sweep(batch=self.batch))
        while deliver_pending() and not self.stopping.is_set():
            pass
        self._checkpoint_if_due()
        pii_rotate_background(budget=self.interval / 3, batch_size=self.batch)

    def _checkpoint_if_due(self) -> None:
        # A signed checkpoint of every shard head bounds what an attacker could rewrite
        # unnoticed to the rows written since the last one (docs/adr/0001-audit-chain.md).
        if time.monotonic() >= self.next_checkpoint:
            checkpoint_write()
            self.next_checkpoint = time.monotonic() + self.checkpoint_every
