"""The roster solver on small stations: sound plans, named refusals, demand followed."""

from __future__ import annotations

import numpy as np
import pytest

from zhengfa.police import planning
from zhengfa.police.planning import Infeasible, Rules

RULES = Rules(weeks=1, min_on_duty=1)


def hotspot_demand(beats: int = 6) -> np.ndarray:
    """Beat 0 busy on evenings, the rest quiet: [beats, 168] incidents a week."""
    demand = np.full((beats, planning.WEEK_HOURS), 0.01)
    for day in range(7):
        demand[0, day * 24 + 18 : day * 24 + 24] = 1.0
    return demand


def test_a_plan_keeps_every_staffing_rule_and_covers_the_hotspot() -> None:
    demand = planning.demand_by_block(hotspot_demand(), weeks=1)
    plan = planning.solve(demand, officers=10, rules=RULES, time_limit=10)
    assert planning.check_plan(plan, 10, 6, RULES) == []
    assert plan.covered[:, 4:6, 0].all()  # the busy evenings are always covered
    uniform = planning.coverage_of(planning.uniform_plan(10, 6, RULES), demand)
    assert planning.coverage_of(plan.patrols, demand) > uniform


def test_an_impossible_minimum_cover_is_refused_naming_it() -> None:
    demand = planning.demand_by_block(hotspot_demand(), weeks=1)
    with pytest.raises(Infeasible) as refused:
        planning.solve(demand, officers=3, rules=Rules(weeks=1, min_cover_blocks=6))
    assert refused.value.binding == ["min_cover"]
    assert "minimum cover per beat" in str(refused.value)


def test_a_shift_too_long_for_the_rest_is_refused_naming_the_rest() -> None:
    demand = planning.demand_by_block(hotspot_demand(), weeks=1)
    rules = Rules(weeks=1, shift_lengths=(12,), rest_hours=16)
    with pytest.raises(Infeasible) as refused:
        planning.solve(demand, officers=10, rules=rules)
    assert refused.value.binding == ["rest"]


def test_rules_out_of_range_are_named() -> None:
    problems = Rules(shift_lengths=(7,), rest_hours=30, days_off=0).problems()
    assert set(problems) == {"shift_lengths", "rest_hours", "days_off"}


def test_demand_estimate_shrinks_sparse_beats_toward_the_station_profile() -> None:
    counts = np.zeros((2, planning.WEEK_HOURS))
    counts[0, 20] = 12  # one beat, one hour, twelve weeks
    counts[1, 20:22] = 6
    estimate = planning.estimate_demand(counts, weeks_observed=12, prior_weight=36)
    assert estimate[1, 20] > estimate[1, 21] > 0  # borrows the station's 20:00 peak
    assert estimate.sum() == pytest.approx(counts.sum() / 12)


def test_expanded_shifts_meet_the_counts_and_the_days_off() -> None:
    sizes = {(0, 2): 5}
    daily = {(d, (0, 2)): 5 if d < 3 else 2 for d in range(7)}  # 15 + 8 = 23 ≤ 5 × 5
    shifts = planning.expand(sizes, daily, days=7, days_off=2)
    per_day = [sum(1 for s in shifts if s.day == d) for d in range(7)]
    assert per_day == [5, 5, 5, 2, 2, 2, 2]
    per_officer = [sum(1 for s in shifts if s.officer == o) for o in range(5)]
    assert max(per_officer) <= 5
