"""Benchmark: weekly trend detection over every series of a city-sized history.

3,380 grids × 10 categories = 33,800 series, three years and ten weeks of weekly counts
(so three reference years and the trend model are in play), sparse like grid-level matters:
means log-uniform between 0.05 and 5 a week, yearly season, negative binomial k = 2.
The issue asks for the weekly detection over every series in under 60 s.

    python bench/bench_insight.py [--grids 3380] [--categories 10] [--weeks 166] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time

import numpy as np
import scipy

from zhengfa.insight.synthetic import HistorySpec, flat_history
from zhengfa.insight.trends import DetectorSettings, baseline_for, detect

TARGET_SECONDS = 60.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grids", type=int, default=3380)
    parser.add_argument("--categories", type=int, default=10)
    parser.add_argument("--weeks", type=int, default=3 * 52 + 10)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    spec = HistorySpec(
        series=args.grids * args.categories,
        weeks=args.weeks,
        mean_low=0.05,
        mean_high=5.0,
        size=2.0,
    )
    data = flat_history(spec, seed=2026)
    started, cpu_started = time.perf_counter(), time.process_time()
    detection = detect(data)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    baseline = baseline_for(data.weeks, len(data.weeks) - 1, DetectorSettings())
    figures = {
        "series": spec.series,
        "weeks_of_history": spec.weeks,
        "reference_years": baseline.years,
        "baseline_weeks": len(baseline.columns),
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu_seconds, 2),
        "series_per_s": round(spec.series / seconds),
        "alerts": len(detection.alerts),
        "target_seconds": TARGET_SECONDS,
        "machine": f"{os.cpu_count()} CPUs, {platform.processor() or platform.machine()}",
        "load_average_1min": round(os.getloadavg()[0], 1),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
    }
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        for name, value in figures.items():
            print(f"{name:>20}: {value}")
    if seconds > TARGET_SECONDS:
        raise SystemExit(f"slower than the {TARGET_SECONDS:.0f} s target")


if __name__ == "__main__":
    main()
