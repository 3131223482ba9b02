"""Duty rosters and patrol plans (勤务、见警率) with OR-Tools CP-SAT. Pure: no Django.

The day is cut into six 4-hour blocks. An officer works at most one shift a day, starting
on a block boundary, of one of the allowed lengths (whole blocks, e.g. 8 or 12 hours), may
span midnight, rests at least ``rest_hours`` between shifts and has ``days_off`` days off
in every week. On each block the officers on duty patrol beats, one beat each; a beat is
*covered* in a block when an officer is on it. The solver chooses shifts and coverage to
maximise the expected incidents that happen on a covered beat (demand per beat and hour of
the week, from the incident history), subject to a minimum cover per beat (blocks a day)
and a minimum number of officers on duty in every block (someone answers 110).

When the rules cannot all be met the solver proves it and says which rule families are
binding (CP-SAT's sufficient assumptions for infeasibility); no plan is returned then.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from ortools.sat.python import cp_model

BLOCK_HOURS = 4
BLOCKS = 24 // BLOCK_HOURS
WEEK_HOURS = 168
COVERAGE_SCALE = 1000  # CP-SAT objectives are integers: demand in thousandths


@dataclass(frozen=True)
class Rules:
    """Staffing rules of a station (defaults: 8-hour shifts, 12 h rest, 2 days off a week,
    every beat patrolled at least one block a day, two officers always on duty)."""

    shift_lengths: tuple[int, ...] = (8,)
    rest_hours: int = 12
    days_off: int = 2
    min_cover_blocks: int = 1  # per beat per day
    min_on_duty: int = 2  # in every block
    weeks: int = 4

    def problems(self) -> dict[str, str]:
        found: dict[str, str] = {}
        if not self.shift_lengths or any(
            h <= 0 or h % BLOCK_HOURS or h > 12 for h in self.shift_lengths
        ):
            found["shift_lengths"] = "accepted: 4, 8 or 12 hours (whole 4-hour blocks)"
        if not 8 <= self.rest_hours <= 16:
            found["rest_hours"] = "accepted: 8 to 16 hours of rest between shifts"
        if not 1 <= self.days_off <= 6:
            found["days_off"] = "accepted: 1 to 6 days off a week"
        if not 0 <= self.min_cover_blocks <= BLOCKS:
            found["min_cover_blocks"] = f"accepted: 0 to {BLOCKS} blocks per beat per day"
        if self.min_on_duty < 0:
            found["min_on_duty"] = "accepted: 0 or more officers on duty"
        if not 1 <= self.weeks <= 8:
            found["weeks"] = "accepted: 1 to 8 weeks"
        return found


# The rule families the solver can name as binding, with their Chinese and English label.
FAMILIES = {
    "min_cover": "每个警格每日最低巡逻时段 minimum cover per beat",
    "min_on_duty": "每个时段最低在岗人数 minimum officers on duty",
    "days_off": "每周休息日 days off per week",
    "rest": "班次间最短休息 rest between shifts",
}


class Infeasible(Exception):
    """The rules cannot all be met; ``binding`` names the rule families that conflict."""

    def __init__(self, binding: list[str]) -> None:
        self.binding = binding
        labels = "; ".join(FAMILIES[b] for b in binding) or "the staffing rules together"
        super().__init__(f"no roster meets these rules; binding: {labels}")


@dataclass(frozen=True)
class Patrol:
    """Officer ``officer`` (an index) patrols ``beat`` (an index) on ``day`` in ``block``."""

    officer: int
    day: int
    block: int
    beat: int


@dataclass(frozen=True)
class ShiftChoice:
    officer: int
    day: int
    start_block: int
    blocks: int


@dataclass
class Plan:
    shifts: list[ShiftChoice]
    patrols: list[Patrol]
    status: str
    seconds: float
    expected_coverage: float  # share of expected incidents on a covered beat
    covered: np.ndarray = field(repr=False)  # [day, block, beat] bool


def demand_by_block(hour_of_week: np.ndarray, weeks: int) -> np.ndarray:
    """[beats, 168] expected incidents per hour of week → [days, blocks, beats]."""
    beats = hour_of_week.shape[0]
    per_block = hour_of_week.reshape(beats, 7, BLOCKS, BLOCK_HOURS).sum(axis=3)
    return np.tile(per_block.transpose(1, 2, 0), (weeks, 1, 1))


def estimate_demand(
    counts: np.ndarray, weeks_observed: int, prior_weight: float = 4.0
) -> np.ndarray:
    """Incidents per beat and hour of week → expected incidents per week, shrunk toward
    the station's hour profile scaled to each beat's total (sparse beats borrow strength).

    ``counts``: [beats, 168] incidents seen over ``weeks_observed`` weeks."""
    rate = counts / max(weeks_observed, 1)
    profile = rate.sum(axis=0)
    profile = profile / profile.sum() if profile.sum() else np.full(WEEK_HOURS, 1 / WEEK_HOURS)
    prior = rate.sum(axis=1, keepdims=True) * profile[None, :]
    weight = weeks_observed / (weeks_observed + prior_weight)
    return weight * rate + (1 - weight) * prior


def solve(
    demand: np.ndarray, officers: int, rules: Rules, time_limit: float = 45.0, workers: int = 2
) -> Plan:
    """A plan for ``officers`` over [days, blocks, beats] ``demand``, or ``Infeasible``.

    The rules are hard constraints in the first solve. Only when it proves them infeasible
    (or finds nothing in time) is the model solved again with each rule family behind an
    assumption literal, so the solver names the families that conflict: assumptions switch
    off much of CP-SAT's presolve, which the search for a good plan needs."""
    started = time.perf_counter()
    model = _Model(demand, officers, rules, guarded=False)
    model.hint(uniform_shifts(officers, rules))
    solver = _solver(time_limit, workers)
    status = solver.solve(model.cp)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise Infeasible(_binding(demand, officers, rules, time_limit, workers))
    shifts = model.shifts_chosen(solver)
    covered = model.covered(solver)
    patrols = assign_patrols(shifts, covered, demand)
    total = float(demand.sum()) or 1.0
    return Plan(
        shifts=shifts,
        patrols=patrols,
        status=solver.status_name(status),
        seconds=time.perf_counter() - started,
        expected_coverage=float((demand * covered).sum()) / total,
        covered=covered,
    )


def _solver(time_limit: float, workers: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = 7
    return solver


def _binding(
    demand: np.ndarray, officers: int, rules: Rules, time_limit: float, workers: int
) -> list[str]:
    model = _Model(demand, officers, rules, guarded=True)
    solver = _solver(time_limit, workers)
    status = solver.solve(model.cp)
    return model.binding(solver) if status == cp_model.INFEASIBLE else []


class _Model:
    """The aggregate model: officers are interchangeable within a shift group (start
    block, length), each officer keeps one group for the whole plan (so the rest between
    shifts is 24 h minus the length), and per day a group puts ``r`` of its ``m`` officers
    on duty. ``expand`` turns the counts into named officers' shifts with their days off."""

    def __init__(self, demand: np.ndarray, officers: int, rules: Rules, guarded: bool) -> None:
        self.days, _, self.beats = demand.shape
        self.officers, self.rules = officers, rules
        self.cp = cp_model.CpModel()
        # Guarded: each rule family holds only under its assumption literal; else always.
        self.guard = {
            name: self.cp.new_bool_var(name) if guarded else self.cp.new_constant(1)
            for name in FAMILIES
        }
        self.groups = [
            (s, h // BLOCK_HOURS) for h in sorted(set(rules.shift_lengths)) for s in range(BLOCKS)
        ]
        self._group_vars()
        self._coverage_vars(demand, objective=not guarded)
        if guarded:
            self.cp.add_assumptions(list(self.guard.values()))

    def _group_vars(self) -> None:
        cp, rules, g, n = self.cp, self.rules, self.guard, self.officers
        self.m = {grp: cp.new_int_var(0, n, f"m{grp}") for grp in self.groups}
        cp.add(sum(self.m.values()) == n)
        self.r: dict[tuple[int, tuple[int, int]], cp_model.IntVar] = {}
        self.on_duty: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
        for grp in self.groups:
            start, blocks = grp
            if 24 - blocks * BLOCK_HOURS < rules.rest_hours:
                cp.add(self.m[grp] == 0).only_enforce_if(g["rest"])
            for d in range(self.days):
                var = cp.new_int_var(0, n, f"r{d}{grp}")
                cp.add(var <= self.m[grp])
                self.r[d, grp] = var
                for k in range(start, start + blocks):
                    if d + k // BLOCKS < self.days:
                        self.on_duty[d + k // BLOCKS, k % BLOCKS].append(var)
            for w in range(self.days // 7):
                week = [self.r[d, grp] for d in range(7 * w, 7 * w + 7)]
                cp.add(sum(week) <= (7 - rules.days_off) * self.m[grp]).only_enforce_if(
                    g["days_off"]
                )
        for d in range(self.days):
            # Redundant (r ≤ m, Σm = n), but it lets the solver bound a day's officer-blocks
            # without the LP, which proves an impossible minimum cover at once.
            cp.add(sum(self.r[d, grp] for grp in self.groups) <= n)
            for k in range(BLOCKS):
                cp.add(sum(self.on_duty[d, k]) >= rules.min_on_duty).only_enforce_if(
                    g["min_on_duty"]
                )

    def _coverage_vars(self, demand: np.ndarray, objective: bool) -> None:
        cp = self.cp
        self.c: dict[tuple[int, int, int], cp_model.IntVar] = {}
        terms = []
        for d in range(self.days):
            for k in range(BLOCKS):
                cells = []
                for b in range(self.beats):
                    var = cp.new_bool_var(f"c{d}_{k}_{b}")
                    self.c[d, k, b] = var
                    cells.append(var)
                    weight = int(round(demand[d, k, b] * COVERAGE_SCALE))
                    if weight:
                        terms.append(weight * var)
                cp.add(sum(cells) <= sum(self.on_duty[d, k]))  # one officer per covered beat
        most = max(blocks for _, blocks in self.groups)
        for d in range(self.days):
            # Redundant pair: an officer keeps one start, so he is on duty at most ``most``
            # blocks of any day (his shift's part after midnight plus the day's own part);
            # the minimum cover needs beats × blocks of them. Propagation alone then proves
            # an impossible minimum cover, without the LP.
            day_cells = sum(self.c[d, k, b] for k in range(BLOCKS) for b in range(self.beats))
            cp.add(day_cells <= most * self.officers)
            cp.add(day_cells >= self.beats * self.rules.min_cover_blocks).only_enforce_if(
                self.guard["min_cover"]
            )
            for b in range(self.beats):
                cover = [self.c[d, k, b] for k in range(BLOCKS)]
                cp.add(sum(cover) >= self.rules.min_cover_blocks).only_enforce_if(
                    self.guard["min_cover"]
                )
        if objective:  # proving infeasibility needs no objective
            cp.maximize(sum(terms))

    def hint(self, shifts: list[ShiftChoice]) -> None:
        """Start the search from the uniform roster's group sizes."""
        sizes: dict[tuple[int, int], set[int]] = defaultdict(set)
        for s in shifts:
            sizes[s.start_block, s.blocks].add(s.officer)
        for grp, var in self.m.items():
            self.cp.add_hint(var, len(sizes.get(grp, ())))

    def binding(self, solver: cp_model.CpSolver) -> list[str]:
        core = set(solver.sufficient_assumptions_for_infeasibility())
        return [name for name, var in self.guard.items() if var.index in core]

    def shifts_chosen(self, solver: cp_model.CpSolver) -> list[ShiftChoice]:
        sizes = {grp: solver.value(var) for grp, var in self.m.items()}
        daily = {key: solver.value(var) for key, var in self.r.items()}
        return expand(sizes, daily, self.days, self.rules.days_off)

    def covered(self, solver: cp_model.CpSolver) -> np.ndarray:
        out = np.zeros((self.days, BLOCKS, self.beats), dtype=bool)
        for (d, k, b), var in self.c.items():
            out[d, k, b] = solver.boolean_value(var)
        return out


def expand(
    sizes: dict[tuple[int, int], int],
    daily: dict[tuple[int, tuple[int, int]], int],
    days: int,
    days_off: int,
) -> list[ShiftChoice]:
    """Named officers for the group counts: each day a group's ``r`` officers are those
    with the most work days left in the week (ties by index), which always succeeds when
    ``r`` ≤ the group's size and the week's total ≤ size × (7 − days_off)."""
    shifts: list[ShiftChoice] = []
    first = 0
    for grp, size in sorted(sizes.items()):
        members = list(range(first, first + size))
        first += size
        for w in range(days // 7):
            left = dict.fromkeys(members, 7 - days_off)
            for d in range(7 * w, 7 * w + 7):
                chosen = sorted(members, key=lambda o: (-left[o], o))[: daily[d, grp]]
                for o in chosen:
                    left[o] -= 1
                    shifts.append(ShiftChoice(o, d, grp[0], grp[1]))
    return shifts


def blocks_of(shift: ShiftChoice, days: int) -> list[tuple[int, int]]:
    """(day, block) pairs a shift covers inside the horizon."""
    pairs = []
    for k in range(shift.start_block, shift.start_block + shift.blocks):
        day = shift.day + k // BLOCKS
        if day < days:
            pairs.append((day, k % BLOCKS))
    return pairs


def assign_patrols(
    shifts: list[ShiftChoice], covered: np.ndarray, demand: np.ndarray
) -> list[Patrol]:
    """Officers on duty to beats, block by block: the covered beats first (an officer keeps
    his beat from the block before when he can), spare officers double the busiest beats."""
    days = covered.shape[0]
    on: dict[tuple[int, int], list[int]] = defaultdict(list)
    for shift in shifts:
        for pair in blocks_of(shift, days):
            on[pair].append(shift.officer)
    previous: dict[int, int] = {}
    patrols: list[Patrol] = []
    for d in range(days):
        for k in range(BLOCKS):
            beats = [int(b) for b in np.flatnonzero(covered[d, k])]
            spare_order = [int(b) for b in np.argsort(-demand[d, k])]
            placed = _place(on[d, k], beats, spare_order, previous)
            patrols += [Patrol(o, d, k, b) for o, b in placed.items()]
            previous = placed
    return patrols


def _place(
    officers: list[int], beats: list[int], spare_order: list[int], previous: dict[int, int]
) -> dict[int, int]:
    placed: dict[int, int] = {}
    open_beats = set(beats)
    for o in officers:  # continuity first
        if previous.get(o) in open_beats:
            placed[o] = previous[o]
            open_beats.discard(previous[o])
    free = [o for o in officers if o not in placed]
    for o, b in zip(free, sorted(open_beats, key=beats.index), strict=False):
        placed[o] = b
    spare = [o for o in officers if o not in placed]
    for i, o in enumerate(spare):
        placed[o] = spare_order[i % len(spare_order)]
    return placed


def uniform_shifts(officers: int, rules: Rules) -> list[ShiftChoice]:
    """Shifts of the first allowed length spread evenly over the day, each officer at a
    fixed start, days off staggered across officers."""
    blocks = min(rules.shift_lengths) // BLOCK_HOURS
    starts = list(range(0, BLOCKS, blocks))
    return [
        ShiftChoice(o, d, starts[o % len(starts)], blocks)
        for o in range(officers)
        for d in range(7 * rules.weeks)
        if (d + o // len(starts)) % 7 < 7 - rules.days_off
    ]


def uniform_plan(officers: int, beats: int, rules: Rules) -> list[Patrol]:
    """The baseline: the same staff on ``uniform_shifts``, beats patrolled in turn
    regardless of where incidents happen."""
    days = 7 * rules.weeks
    shifts = uniform_shifts(officers, rules)
    on: dict[tuple[int, int], list[int]] = defaultdict(list)
    for shift in shifts:
        for pair in blocks_of(shift, days):
            on[pair].append(shift.officer)
    patrols = []
    for (d, k), present in sorted(on.items()):
        turn = (d * BLOCKS + k) * len(present)
        patrols += [Patrol(o, d, k, (turn + i) % beats) for i, o in enumerate(present)]
    return patrols


def coverage_of(patrols: list[Patrol], incidents: np.ndarray) -> float:
    """Share of incidents ([days, blocks, beats] counts) on a beat with an officer on it."""
    covered = np.zeros(incidents.shape, dtype=bool)
    for p in patrols:
        if p.day < incidents.shape[0]:
            covered[p.day, p.block, p.beat] = True
    total = float(incidents.sum())
    return float((incidents * covered).sum()) / total if total else 0.0


def check_plan(plan: Plan, officers: int, beats: int, rules: Rules) -> list[str]:
    """Every staffing rule the plan breaks (empty for a sound plan)."""
    days = 7 * rules.weeks
    broken: list[str] = []
    by_officer: dict[int, list[ShiftChoice]] = defaultdict(list)
    for s in plan.shifts:
        by_officer[s.officer].append(s)
        if s.blocks * BLOCK_HOURS not in rules.shift_lengths:
            broken.append(f"officer {s.officer} day {s.day}: shift length {s.blocks * 4} h")
    for o, shifts in by_officer.items():
        shifts.sort(key=lambda s: (s.day, s.start_block))
        for a, b in zip(shifts, shifts[1:], strict=False):
            gap = b.day * BLOCKS + b.start_block - a.day * BLOCKS - a.start_block - a.blocks
            if gap * BLOCK_HOURS < rules.rest_hours:
                broken.append(f"officer {o}: {gap * BLOCK_HOURS} h rest before day {b.day}")
        for w in range(rules.weeks):
            worked = sum(1 for s in shifts if 7 * w <= s.day < 7 * w + 7)
            if worked > 7 - rules.days_off:
                broken.append(f"officer {o}: {worked} shifts in week {w + 1}")
    cover = plan.covered.sum(axis=1)  # [days, beats]
    if (cover < rules.min_cover_blocks).any():
        broken.append("a beat below its minimum cover")
    seen: dict[tuple[int, int], set[int]] = defaultdict(set)
    for p in plan.patrols:
        seen[p.day, p.block].add(p.officer)
    for d in range(days):
        for k in range(BLOCKS):
            if len(seen[d, k]) < rules.min_on_duty:
                broken.append(f"day {d} block {k}: {len(seen[d, k])} on duty")
    return broken
