"""Rerunnable benchmark of police work: ``python bench/bench_police.py [--json]``.

Figures, all measured in the same run:
- a 4-week duty roster and patrol plan for a station of ``--officers`` officers and
  ``--beats`` beats (CP-SAT, wall time of ``planning.solve``);
- the share of incidents that happen on a beat with an officer on it, for the solver's
  plan against a uniform roster of the same staff, on held-out weeks: the plan is made
  from 12 weeks of synthetic history and scored on the 4 weeks after (``--seeds`` cities);
- intake and triage throughput (``incident_receive``: point → grid → beat, triage rules,
  matter and minute clocks, or a referral to a department) on a throw-away test database
  of whatever ``DATABASE_URL`` points at (SQLite when unset).

The synthetic city has hotspots as police data do: beat rates log-normal (σ = 1), an hour
profile with an evening peak and an afternoon shoulder, busier Friday and Saturday nights.
Results are recorded in bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import benchkit

benchkit.setup_django()

import numpy as np  # noqa: E402
from django.db import connection  # noqa: E402

from zhengfa.org.models import (  # noqa: E402
    Grid,
    PoliceBeat,
    Region,
    RegionLevel,
    Unit,
    UnitKind,
    User,  # noqa: E402
)
from zhengfa.org.roles import Role  # noqa: E402
from zhengfa.police import planning  # noqa: E402

SH = ZoneInfo("Asia/Shanghai")
HISTORY_WEEKS, HELD_OUT_WEEKS = 12, 4


def synthetic_rates(beats: int, per_week: float, rng: np.random.Generator) -> np.ndarray:
    """[beats, 168] expected incidents per hour of the week."""
    hours = np.arange(planning.WEEK_HOURS) % 24
    days = np.arange(planning.WEEK_HOURS) // 24
    profile = (
        0.25 + np.exp(-(((hours - 21) % 24) ** 2) / 8) + 0.5 * np.exp(-((hours - 14) ** 2) / 10)
    )
    profile *= np.where((days >= 4) & ((hours >= 20) | (hours < 3)), 1.5, 1.0)
    weights = rng.lognormal(0.0, 1.0, beats)
    return np.outer(weights / weights.sum(), profile / profile.sum()) * per_week


def planning_figures(officers: int, beats: int, seeds: int, time_limit: float) -> dict[str, Any]:
    rules = planning.Rules()
    solver_scores, uniform_scores, seconds = [], [], []
    for seed in range(seeds):
        rng = np.random.default_rng(seed)
        rates = synthetic_rates(beats, per_week=150.0, rng=rng)
        history = rng.poisson(rates * HISTORY_WEEKS)
        held_out = rng.poisson(planning.demand_by_block(rates, HELD_OUT_WEEKS))
        demand = planning.estimate_demand(history, HISTORY_WEEKS, prior_weight=3 * HISTORY_WEEKS)
        plan = planning.solve(
            planning.demand_by_block(demand, rules.weeks), officers, rules, time_limit
        )
        assert planning.check_plan(plan, officers, beats, rules) == []
        seconds.append(plan.seconds)
        solver_scores.append(planning.coverage_of(plan.patrols, held_out))
        uniform = planning.uniform_plan(officers, beats, rules)
        uniform_scores.append(planning.coverage_of(uniform, held_out))
    solver, uniform = statistics.mean(solver_scores), statistics.mean(uniform_scores)
    return {
        "plan_officers": officers,
        "plan_beats": beats,
        "plan_seconds_max": max(seconds),
        "plan_seconds_mean": statistics.mean(seconds),
        "coverage_solver": solver,
        "coverage_uniform": uniform,
        "coverage_ratio": solver / uniform,
        "coverage_ratio_min": min(
            s / u for s, u in zip(solver_scores, uniform_scores, strict=True)
        ),
        "seeds": seeds,
    }


def _world(side: int) -> tuple[User, list[tuple[float, float]]]:
    Region.objects.create(code="2399", name="基准市", level=RegionLevel.CITY)
    Region.objects.create(code="239901", name="基准区", level=RegionLevel.COUNTY, parent_id="2399")
    Region.objects.create(
        code="239901001", name="基准街道", level=RegionLevel.TOWNSHIP, parent_id="239901"
    )
    Region.objects.create(
        code="239901001001", name="基准社区", level=RegionLevel.VILLAGE, parent_id="239901001"
    )
    station = Unit.objects.create(
        code="B-PCS",
        name="基准派出所",
        kind=UnitKind.POLICE_STATION,
        level=RegionLevel.TOWNSHIP,
        region_id="239901001",
    )
    Unit.objects.create(
        code="B-HBJ",
        name="基准生态环境局",
        kind=UnitKind.DEPARTMENT,
        level=RegionLevel.CITY,
        region_id="2399",
    )
    points = []
    for i in range(side * side):
        beat = PoliceBeat.objects.create(
            code=f"B{i:03d}", name=f"警格{i}", station=station, region_id="239901001"
        )
        x, y = 130 + (i % side) * 0.01, 47 + (i // side) * 0.01
        ring = [[x, y], [x + 0.01, y], [x + 0.01, y + 0.01], [x, y + 0.01], [x, y]]
        Grid.objects.create(
            code=f"G{i:03d}",
            name=f"网格{i}",
            region_id="239901001001",
            geometry={"type": "Polygon", "coordinates": [ring]},
            centroid_lon=x + 0.005,
            centroid_lat=y + 0.005,
            beat=beat,
        )
        points.append((x + 0.004, y + 0.006))
    taker = User.objects.create(username="bench-110", role=Role.POLICE_OFFICER, unit=station)
    return taker, points


def triage_figures(incidents: int) -> dict[str, Any]:
    from zhengfa.police.models import Referral, TriageRule
    from zhengfa.police.services.intake import Report, incident_receive

    taker, points = _world(side=6)
    TriageRule.objects.create(
        name="噪声", order=1, keywords="噪音,噪声", target="department", unit_code="B-HBJ"
    )
    rng = np.random.default_rng(1)
    texts = ("楼上装修噪音扰民", "店铺被盗,门锁撬坏", "两车剐蹭,无人受伤", "老人走失求助")
    categories = ("non_police", "criminal", "traffic", "help")
    start = datetime(2026, 6, 1, 8, 0, tzinfo=SH)
    began = time.perf_counter()
    for i in range(incidents):
        pick = int(rng.integers(0, len(texts)))
        lon, lat = points[int(rng.integers(0, len(points)))]
        incident_receive(
            actor=taker,
            report=Report("call", categories[pick], texts[pick], lon, lat),
            at=start + timedelta(seconds=20 * i),
        )
    elapsed = time.perf_counter() - began
    return {
        "database": connection.vendor,
        "triage_incidents": incidents,
        "triage_diverted": Referral.objects.count(),
        "triage_per_minute": incidents / elapsed * 60,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--officers", type=int, default=40)
    parser.add_argument("--beats", type=int, default=30)
    parser.add_argument("--seeds", type=int, default=3, help="synthetic stations to score")
    parser.add_argument("--time-limit", type=float, default=45.0, help="solver seconds")
    parser.add_argument("--incidents", type=int, default=2000, help="reports through triage")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    figures = planning_figures(args.officers, args.beats, args.seeds, args.time_limit)
    with benchkit.throwaway_database():
        figures.update(triage_figures(args.incidents))
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    for key, value in figures.items():
        shown = f"{value:,.3f}" if isinstance(value, float) else value
        print(f"{key:24} {shown}")


if __name__ == "__main__":
    main()
