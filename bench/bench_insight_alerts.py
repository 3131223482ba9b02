"""Benchmark of the stored weekly trend detection end to end: ``python
bench/bench_insight_alerts.py [--grids 3380] [--kinds 10] [--weeks 166] [--json]``.

Runs on a throw-away test database of whatever ``DATABASE_URL`` points at (SQLite when
unset). The count table ``insight.DailyCount`` (measure ``opened``) is filled set-based for
a city of ``--grids`` grids in 10 counties × 10 townships, ``--kinds`` kinds of matter and
``--weeks`` weeks of history (one row per grid × kind × week with a count, sparse like
grid-level matters: mean about 1 a week). Then ``detection_run`` for the last week, timed
in two parts: the read (one aggregate query over the count table, rolled up to grid,
township and county series) and the whole run (read, detector over every series, alerts
stored). The issue asks for the weekly detection over every series in under 60 s.

Results are recorded in bench/README.md (Insight: stored detection runs).
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from datetime import date, timedelta
from typing import Any

import benchkit

benchkit.setup_django()

from django.db import connection  # noqa: E402
from django.db.models import Sum  # noqa: E402
from django.db.models.functions import ExtractIsoYear, ExtractWeek  # noqa: E402

from zhengfa.insight.alerts import selectors, services  # noqa: E402
from zhengfa.insight.models import DailyCount  # noqa: E402
from zhengfa.insight.trends import DetectorSettings  # noqa: E402
from zhengfa.org.models import Grid  # noqa: E402

TESTED = date(2026, 3, 30)  # 2026-W14
TARGET_SECONDS = 60.0


def build_city(grids: int) -> list[tuple[int, str]]:
    """10 counties × 10 townships, the grids spread over the townships; (id, region)."""
    benchkit.build_grids(grids, benchkit.build_regions("9901"))
    return [(g.pk, g.region_id) for g in Grid.objects.order_by("pk")]


def fill_counts(grids: list[tuple[int, str]], kinds: int, weeks: int, seed: int) -> int:
    """One DailyCount row per grid × kind × week with a count (Wednesday of the week)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    first = TESTED - timedelta(weeks=weeks - 1) + timedelta(days=2)
    rows = 0
    for k in range(kinds):
        means = np.exp(rng.uniform(np.log(0.05), np.log(5.0), len(grids)))
        counts = rng.poisson(means[:, None], (len(grids), weeks))
        batch = [
            DailyCount(
                region_code=region,
                grid_id=grid_id,
                unit_id=1,
                kind=f"kind{k:02d}",
                category="",
                measure="opened",
                day=first + timedelta(weeks=w),
                n=int(n),
            )
            for (grid_id, region), series in zip(grids, counts, strict=True)
            for w, n in enumerate(series)
            if n
        ]
        DailyCount.objects.bulk_create(batch, batch_size=10_000)
        rows += len(batch)
    return rows


def baseline_read(first: date) -> int:
    """The read before: ISO year and ISO week extracted apart in SQL, rows through the ORM
    (kept here to measure against in the same run)."""
    rows = (
        DailyCount.objects.filter(
            measure="opened", day__gte=first, day__lte=TESTED + timedelta(days=6)
        )
        .annotate(iso_year=ExtractIsoYear("day"), iso_week=ExtractWeek("day"))
        .values_list("grid_id", "region_code", "kind", "iso_year", "iso_week")
        .annotate(total=Sum("n"))
        .order_by()
    )
    return len(list(rows))


def run(args: argparse.Namespace) -> dict[str, Any]:
    load_at_start = round(os.getloadavg()[0], 1)
    started = time.perf_counter()
    grids = build_city(args.grids)
    rows = fill_counts(grids, args.kinds, args.weeks, seed=2026)
    filled = time.perf_counter() - started
    first = TESTED - timedelta(weeks=args.weeks - 1)
    started = time.perf_counter()
    grouped_rows = baseline_read(first)  # also warms the table's pages for both reads
    baseline = time.perf_counter() - started
    started = time.perf_counter()
    data = selectors.weekly_series(first=first, last=TESTED)
    read = time.perf_counter() - started
    started, cpu = time.perf_counter(), time.process_time()
    run_row, _ = services.detection_run(week=TESTED, settings=DetectorSettings())
    whole, whole_cpu = time.perf_counter() - started, time.process_time() - cpu
    return {
        "database": connection.vendor,
        "grids": args.grids,
        "kinds": args.kinds,
        "weeks_of_history": args.weeks,
        "daily_count_rows": rows,
        "fill_seconds": round(filled, 1),
        "series": len(data.series),
        "grouped_rows": grouped_rows,
        "baseline_read_iso_extract_orm_seconds": round(baseline, 2),
        "read_series_seconds": round(read, 2),
        "detection_run_seconds": round(whole, 2),
        "detection_run_cpu_seconds": round(whole_cpu, 2),
        "alerts_stored": run_row.alerts.count(),
        "target_seconds": TARGET_SECONDS,
        "machine": f"{os.cpu_count()} CPUs, {platform.processor() or platform.machine()}",
        "load_average_1min_at_start": load_at_start,
        "load_average_1min_at_end": round(os.getloadavg()[0], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grids", type=int, default=3380)
    parser.add_argument("--kinds", type=int, default=10)
    parser.add_argument("--weeks", type=int, default=3 * 52 + 10)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with benchkit.throwaway_database():
        figures = run(args)
    benchkit.print_figures(figures, as_json=args.json, width=32)


if __name__ == "__main__":
    main()
