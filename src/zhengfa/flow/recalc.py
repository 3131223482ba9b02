"""Recalculation of open clocks after a holiday notice import or a rule correction.

Clocks whose only event is their start (nearly all of them) are recomputed in bulk by
``zhengfa.clock.bulk.due_dates``; the rest (paused, deducted, extended, hour-level, or a
rule with a compound period) are replayed one by one through the scalar clock, which is the
same computation. Each clock keeps its own rule code, so a new law applies only to the
clocks its transition gives it (a rule version is chosen when the clock starts, never
here). Every due date that moves gets a ``recalc`` event with the reason; owners of the
clocks that moved earlier are told.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from django.db import transaction

from zhengfa.clock.bulk import (
    KIND_DAYS,
    KIND_MONTHS_CIVIL,
    KIND_MONTHS_CRIMINAL,
    KIND_WORKDAYS,
    due_dates,
)
from zhengfa.clock.periods import MonthRule
from zhengfa.clock.periods import Unit as PeriodUnit
from zhengfa.flow import clocks as legal
from zhengfa.flow.common import audit, legal_day, now
from zhengfa.flow.models import Clock, ClockEvent, ClockEventKind, ClockState
from zhengfa.flow.notices import notify
from zhengfa.flow.services.clockops import refresh_matter_due, store

ADJUSTING = (ClockEventKind.PAUSE, ClockEventKind.DEDUCT, ClockEventKind.EXTEND)


@dataclass
class RecalcResult:
    examined: int = 0
    bulk: int = 0
    moved: int = 0
    earlier: int = 0


def bulk_shape(rule: str) -> tuple[int, int] | None:
    """(bulk kind, amount) for a rule with one calendar or working-day period, else None."""
    limit = legal.limit_rule(rule)
    if limit is None or len(limit.period) != 1 or not limit.rolls:
        return None
    period = limit.period[0]
    months = KIND_MONTHS_CRIMINAL if limit.month_rule is MonthRule.CRIMINAL else KIND_MONTHS_CIVIL
    shapes = {
        PeriodUnit.DAYS: (KIND_DAYS, period.amount),
        PeriodUnit.WORKDAYS: (KIND_WORKDAYS, period.amount),
        PeriodUnit.MONTHS: (months, period.amount),
        PeriodUnit.YEARS: (months, period.amount * 12),
    }
    return shapes.get(period.unit)


def clock_recalc(
    *,
    actor: Any,
    reason: str,
    rules: Iterable[str] = (),
    chunk: int = 50_000,
    progress: Callable[[int], None] | None = None,
) -> RecalcResult:
    """Recompute every open clock (of ``rules``, if given); store and record what moved."""
    open_clocks = Clock.objects.exclude(state=ClockState.STOPPED)
    wanted = list(rules)
    if wanted:
        open_clocks = open_clocks.filter(rule__in=wanted)
    adjusted = set(
        ClockEvent.objects.filter(kind__in=ADJUSTING, clock__in=open_clocks).values_list(
            "clock_id", flat=True
        )
    )
    result = RecalcResult()
    last = 0
    while True:
        rows = list(
            open_clocks.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "rule", "started_on", "due_on")[:chunk]
        )
        if not rows:
            break
        last = rows[-1][0]
        moved = _bulk_moves(rows, adjusted, result) + _scalar_moves(rows, adjusted)
        result.examined += len(rows)
        _record(actor, reason, moved, result)
        if progress:
            progress(len(rows))
    return result


def _bulk_moves(
    rows: list[tuple[int, str, date, date]], adjusted: set[int], result: RecalcResult
) -> list[tuple[int, date]]:
    picked: list[tuple[tuple[int, str, date, date], tuple[int, int]]] = []
    for row in rows:
        shape = bulk_shape(row[1]) if row[0] not in adjusted else None
        if shape is not None:
            picked.append((row, shape))
    if not picked:
        return []
    starts = np.array([row[2].toordinal() for row, _ in picked], dtype=np.int64)
    kinds = np.array([shape[0] for _, shape in picked], dtype=np.int8)
    amounts = np.array([shape[1] for _, shape in picked], dtype=np.int32)
    stored = np.array([row[3].toordinal() for row, _ in picked], dtype=np.int64)
    due = np.asarray(due_dates(starts, kinds, amounts), dtype=np.int64)
    result.bulk += len(picked)
    changed = np.nonzero(due != stored)[0]
    return [(picked[i][0][0], date.fromordinal(int(due[i]))) for i in changed]


def _scalar_moves(
    rows: list[tuple[int, str, date, date]], adjusted: set[int]
) -> list[tuple[int, date]]:
    ids = [row[0] for row in rows if row[0] in adjusted or bulk_shape(row[1]) is None]
    moves = []
    for clock in Clock.objects.filter(pk__in=ids).prefetch_related("events"):
        value = legal.replay(clock, clock.events.all())
        if value.due_on != clock.due_on:
            moves.append((clock.pk, value.due_on))
    return moves


def _record(actor: Any, reason: str, moves: list[tuple[int, date]], result: RecalcResult) -> None:
    if not moves:
        return
    new_due = dict(moves)
    with transaction.atomic():
        clocks = list(
            Clock.objects.select_for_update(of=("self",))
            .select_related("matter", "holder", "matter__owner")
            .filter(pk__in=new_due)
        )
        for clock in clocks:
            _move(actor, reason, clock, new_due[clock.pk], result)
        audit(
            actor=actor,
            action="clock.recalc",
            subject=clocks[0],
            new={"moved": len(clocks), "earlier": result.earlier},
            reason=reason,
        )


def _move(actor: Any, reason: str, clock: Clock, due: date, result: RecalcResult) -> None:
    before = clock.due_on
    value = legal.replay(clock, clock.events.all())
    store(clock, value)
    if clock.due_on != due:  # the scalar clock is the reference; bulk must agree
        raise AssertionError(f"bulk and scalar differ on clock {clock.pk}: {due}, {clock.due_on}")
    clock.save(update_fields=["due_on", "due_at", "calendar_warnings", "next_alert_at"])
    ClockEvent.objects.create(
        clock=clock,
        kind=ClockEventKind.RECALC,
        on=legal_day(),
        reason=reason,
        legal_basis="重算 recalculated",
        actor=actor if getattr(actor, "pk", None) else None,
        due_before=before,
        due_after=clock.due_on,
        recorded_at=now(),
    )
    refresh_matter_due(clock.matter)
    result.moved += 1
    if clock.due_on < before:
        result.earlier += 1
        notify(
            [clock.holder or clock.matter.owner],
            f"期限提前 Due date moved earlier: {clock.matter.title}",
            f"{clock.label}: {before} → {clock.due_on} ({reason})",
            clock.matter,
        )
