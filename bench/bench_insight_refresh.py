"""Benchmark of the count tables' incremental refresh as the sweep runs it:
``python bench/bench_insight_refresh.py [--matters 100000] [--backlog 20000] [--json]``.

On a throw-away test database of whatever ``DATABASE_URL`` names (SQLite when unset), with
the city and matters of ``bench_insight_dashboards.py`` (its generator), in one run:

- one ``refresh_batch`` of 500 changed matters, median of 3, with the cell filter as a
  Django Q tree (one AND per cell, OR-ed: the code before, kept here as the baseline) and
  with the row-value ``IN`` list ``refresh._key_filter`` builds now;
- a backlog of ``--backlog`` changed matters (a bulk import, a recalculation): what one
  sweep pass spends in ``refresh_after_sweep`` (bounded: ``SWEEP_BATCHES`` × 500), how many
  passes drain it, and what draining it at once (``zhengfa insight refresh``) takes.

Results are recorded in bench/README.md (Insight: refresh in the sweep).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import UTC, datetime
from functools import reduce
from operator import or_
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from django.db import connection  # noqa: E402
from django.db.models import Q  # noqa: E402

import bench_insight_dashboards as city  # noqa: E402 - sets up Django
import benchkit  # noqa: E402
from zhengfa.flow.models import Matter  # noqa: E402
from zhengfa.insight import apps, refresh  # noqa: E402
from zhengfa.insight.models import MatterChange  # noqa: E402

BATCH = 500


def q_tree_filter(keys: set[tuple[Any, ...]], names: tuple[str, ...]) -> Q:
    """The baseline: the cell filter as the refresh built it before (a Q per key)."""

    def one(key: tuple[Any, ...]) -> Q:
        q = Q()
        for name, value in zip(names, key, strict=True):
            q &= Q(**{f"{name}__isnull": True}) if value is None else Q(**{name: value})
        return q

    return reduce(or_, (one(key) for key in keys))


def _change(count: int, offset: int) -> None:
    """Queue ``count`` matters (the triggers fire on any update)."""
    ids = list(Matter.objects.order_by("pk").values_list("pk", flat=True)[offset : offset + count])
    for start in range(0, len(ids), 900):
        Matter.objects.filter(pk__in=ids[start : start + 900]).update(version=1)


def _batch_seconds(repeat: int, offset: int) -> float:
    _change(repeat * BATCH, offset)
    return benchkit.median_seconds(
        lambda: refresh.refresh_batch(limit=BATCH, today=city.TODAY), repeat
    )


def measure(args: argparse.Namespace, figures: dict[str, Any]) -> None:
    figures["generate [s]"] = benchkit.timed(lambda: city.build_and_generate(args))
    figures["rebuild (full) [s]"] = benchkit.timed(lambda: refresh.rebuild(today=city.TODAY))
    current = refresh._key_filter
    refresh._key_filter = q_tree_filter  # type: ignore[assignment]
    try:
        figures["batch of 500, Q-tree filter (baseline) [s]"] = _batch_seconds(3, 0)
    finally:
        refresh._key_filter = current
    figures["batch of 500, row-value IN filter [s]"] = _batch_seconds(3, 0)  # same matters
    figures["speed-up of a batch"] = round(
        figures["batch of 500, Q-tree filter (baseline) [s]"]
        / figures["batch of 500, row-value IN filter [s]"],
        1,
    )
    _change(args.backlog, 1500)
    figures["backlog (queued changes)"] = queued = MatterChange.objects.count()
    per_pass = apps.SWEEP_BATCHES * apps.SWEEP_BATCH_SIZE
    figures["one sweep pass's refresh (bounded) [s]"] = round(
        benchkit.timed(lambda: apps.refresh_after_sweep(datetime.now(UTC))), 2
    )
    figures["changes applied by that pass"] = queued - MatterChange.objects.count()
    figures["sweep passes to drain the backlog"] = -(-queued // per_pass)
    figures["drain the rest at once (insight refresh) [s]"] = benchkit.timed(
        lambda: refresh.refresh(limit=BATCH, today=city.TODAY)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--matters", type=int, default=100_000)
    parser.add_argument("--grids", type=int, default=3380)
    parser.add_argument("--backlog", type=int, default=20_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    figures: dict[str, Any] = {
        "database": connection.vendor,
        "matters": args.matters,
        "machine": f"{os.cpu_count()} CPUs",
        "load average (1 min) at start": round(os.getloadavg()[0], 1),
    }
    try:
        with benchkit.throwaway_database():
            measure(args, figures)
    finally:
        figures["load average (1 min) at end"] = round(os.getloadavg()[0], 1)
        if args.json:
            print(json.dumps(figures, indent=2))
        else:
            for name, value in figures.items():
                print(f"{name}: {value}")


if __name__ == "__main__":
    main()
