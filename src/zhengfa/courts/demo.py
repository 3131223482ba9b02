"""Three years of demo cases for the demo city's nine courts (2024-01-01 to today).

Each basic court registers about ``CASES_A_YEAR`` first-instance and enforcement cases a
year in a realistic mix (simple civil procedure dominates); the intermediate court gets
the appeals (民终/刑终/行终) with their transfer clocks, some of them late. Durations are
drawn as shares of each procedure's limit: most cases close well within it, some after an
extension, a few after the limit (超审限); cases still running today are open, some of them
past their limit. About one civil case in eight is enterprise-related (涉企).

Everything is written in bulk, but every due date comes from the legal clock through the
flow engine's helpers (``flow.clocks.new_value``/``compute``, events replayed the way
``flow.clocks.replay`` does), so a stored clock equals its replay. Case numbers run
without gaps per court, year and type, and the sequence counters continue from them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import numpy as np
from django.db import transaction

from zhengfa.audit.services import audit_record
from zhengfa.clock import ClockError, Period
from zhengfa.clock import Unit as PeriodUnit
from zhengfa.clock.clock import SHANGHAI
from zhengfa.courts.casenumber import format_case_number
from zhengfa.courts.flows import FIRST_INSTANCE_RULES
from zhengfa.courts.models import (
    Category,
    Cause,
    CauseCatalogue,
    CauseKind,
    CourtCase,
    Division,
    PanelKind,
    PanelMember,
    PanelRole,
    Procedure,
    SequenceCounter,
)
from zhengfa.courts.procedures import APPEAL_PROCEDURE, PROCEDURES
from zhengfa.courts.workflow.common import code_hash
from zhengfa.flow import clocks as legal
from zhengfa.flow.common import legal_day
from zhengfa.flow.models import Clock, ClockEvent, ClockEventKind, ClockState, Holding, Matter
from zhengfa.org.models import Unit, UnitKind, User
from zhengfa.org.roles import Role

START = date(2024, 1, 1)
CASES_A_YEAR = 800  # per basic court (a real one registers a few thousand; kept for speed)
P = Procedure
MIX: dict[str, float] = {  # shares of a basic court's registrations
    P.CIVIL_SIMPLE: 0.42,
    P.CIVIL_SMALL_CLAIMS: 0.12,
    P.CIVIL_ORDINARY: 0.16,
    P.CRIMINAL_FAST_TRACK: 0.05,
    P.CRIMINAL_SUMMARY: 0.05,
    P.CRIMINAL_PUBLIC: 0.03,
    P.ADMIN_ORDINARY: 0.02,
    P.ADMIN_SIMPLE: 0.02,
    P.ENFORCEMENT: 0.13,
}
APPEAL_SHARE: dict[str, float] = {
    P.CIVIL_ORDINARY: 0.15,
    P.CIVIL_SIMPLE: 0.05,
    P.CRIMINAL_PUBLIC: 0.12,
}
APPEAL_SHARE |= {P.ADMIN_ORDINARY: 0.3, P.ADMIN_SIMPLE: 0.1, P.CRIMINAL_SUMMARY: 0.03}
EXTENDED_SHARE = 0.05
LATE_SHARE = 0.03  # closed after the limit without an extension
DIVISIONS = (
    ("民事审判第一庭", Category.CIVIL),
    ("民事审判第二庭", Category.CIVIL),
    ("刑事审判庭", Category.CRIMINAL),
    ("行政审判庭", Category.ADMINISTRATIVE),
    ("执行局", Category.ENFORCEMENT),
)
SYSTEM_BASIS = "演示数据 demo history"


@dataclass
class Plan:
    """One case to write: what the clocks and the case rows are computed from."""

    court: Unit
    procedure: str
    filed_on: date
    judge: User
    division: Division
    closes_on: date | None
    extended_on: date | None
    enterprise: bool
    cause: Cause | None
    original: int | None = None  # index of the first-instance plan an appeal comes from
    transfer: tuple[date, date] | None = None  # (transfer clock start, sent on)
    values: dict[str, Any] = field(default_factory=dict)


@transaction.atomic
def build_demo_courts(seed: int, progress: Any, cases_a_year: int = CASES_A_YEAR) -> dict[str, int]:
    """The demo history; returns the counts for the demo build's summary."""
    rng = np.random.default_rng([seed, 5])
    courts = list(
        Unit.objects.filter(kind=UnitKind.COURT)
        .exclude(court_code="")
        .select_related("parent")
        .order_by("code")
    )
    basic = [c for c in courts if c.parent_id is not None and len(c.court_code or "") > 3]
    if not basic:
        return {}
    today = legal_day()
    progress.stage("法院案件历史 court history", len(courts) + 2)
    teams = {court.pk: _divisions(court) for court in courts}
    causes = _Causes()
    plans: list[Plan] = []
    for court in basic:
        plans += _first_instance(rng, court, teams[court.pk], causes, today, cases_a_year)
        progress.advance()
    plans += _appeals(rng, plans, teams, today)
    progress.advance()
    written = _write(rng, plans, today)
    progress.advance()
    counts = {"court_cases": written, "court_appeals": sum(p.original is not None for p in plans)}
    audit_record(actor=None, action="courts.demo_build", new={"seed": seed, **counts})
    return counts


def _divisions(court: Unit) -> dict[str, list[tuple[Division, list[User]]]]:
    """The court's teams (written once), its judges spread over them round-robin."""
    judges = list(User.objects.filter(unit=court, role=Role.JUDGE).order_by("username"))
    teams: dict[str, list[tuple[Division, list[User]]]] = defaultdict(list)
    if not judges:
        return teams
    for n, (name, category) in enumerate(DIVISIONS):
        division, _ = Division.objects.get_or_create(court=court, name=name, category=category)
        members = [j for i, j in enumerate(judges) if i % len(DIVISIONS) == n]
        members = members or [judges[n % len(judges)]]  # fewer judges than teams
        division.members.set(members)
        teams[category].append((division, members))
    return teams


class _Causes:
    """Leaf causes of the catalogue in force on a day, per kind (catalogues read once)."""

    KINDS: dict[str, str] = {
        Category.CIVIL: CauseKind.CIVIL,
        Category.CRIMINAL: CauseKind.CRIMINAL,
        Category.ADMINISTRATIVE: CauseKind.ADMINISTRATIVE,
    }

    def __init__(self) -> None:
        self.catalogues = list(CauseCatalogue.objects.all())
        self.cache: dict[int, list[Cause]] = {}

    def pick(self, rng: np.random.Generator, category: str, day: date) -> Cause | None:
        kind = self.KINDS.get(category)
        catalogue = next(
            (
                c
                for c in self.catalogues
                if c.kind == kind
                and c.effective_from <= day
                and (c.effective_to is None or day <= c.effective_to)
            ),
            None,
        )
        if catalogue is None:
            return None
        if catalogue.pk not in self.cache:
            level = max(catalogue.causes.values_list("level", flat=True), default=1)
            self.cache[catalogue.pk] = list(catalogue.causes.filter(level__gte=min(level, 3)))
        found = self.cache[catalogue.pk]
        return found[int(rng.integers(len(found)))] if found else None


def _first_instance(
    rng: np.random.Generator,
    court: Unit,
    teams: dict[str, list[tuple[Division, list[User]]]],
    causes: _Causes,
    today: date,
    cases_a_year: int,
) -> list[Plan]:
    days = (today - START).days + 1
    total = int(rng.poisson(cases_a_year * days / 365))
    procedures = rng.choice(
        list(MIX), p=np.array(list(MIX.values())) / sum(MIX.values()), size=total
    )
    offsets = np.sort(rng.integers(0, days, size=total))
    plans = []
    for procedure, offset in zip(procedures, offsets, strict=True):
        spec = PROCEDURES[str(procedure)]
        if not teams.get(spec.category):
            continue
        filed = _workday(START + timedelta(days=int(offset)))
        plans.append(_plan(rng, court, teams, causes, str(procedure), filed, today))
    return plans


def _workday(day: date) -> date:
    """Courts register on working days (weekends moved to Monday; close enough for a demo)."""
    return day + timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)


def _plan(
    rng: np.random.Generator,
    court: Unit,
    teams: dict[str, list[tuple[Division, list[User]]]],
    causes: _Causes,
    procedure: str,
    filed: date,
    today: date,
) -> Plan:
    spec = PROCEDURES[procedure]
    division, members = teams[spec.category][int(rng.integers(len(teams[spec.category])))]
    judge = members[int(rng.integers(len(members)))]
    limit_days = _limit_days(spec.rule, filed)
    roll = rng.random()
    extended = roll < EXTENDED_SHARE
    if extended:
        share = rng.uniform(1.05, 1.4)
    elif roll < EXTENDED_SHARE + LATE_SHARE:
        share = rng.uniform(1.02, 2.2)
    else:
        share = rng.beta(2.2, 2.0)
    closes = filed + timedelta(days=max(1, int(share * limit_days)))
    extended_on = filed + timedelta(days=int(limit_days * 0.8)) if extended else None
    return Plan(
        court=court,
        procedure=procedure,
        filed_on=filed,
        judge=judge,
        division=division,
        closes_on=closes if closes <= today else None,
        extended_on=extended_on if extended_on and extended_on <= today else None,
        enterprise=spec.category == Category.CIVIL and rng.random() < 0.12,
        cause=causes.pick(rng, spec.category, filed),
    )


_LIMIT_DAYS: dict[str, int] = {}


def _limit_days(rule: str, filed: date) -> int:
    """The limit's length in days for one filing day (an estimate to draw durations from;
    the stored due dates are computed exactly below)."""
    if rule not in _LIMIT_DAYS:
        due = legal.compute(_value(rule, filed)).due_on
        _LIMIT_DAYS[rule] = max(1, (due - filed).days)
    return _LIMIT_DAYS[rule]


def _value(rule: str, on: date) -> legal.LegalClock:
    return legal.new_value(rule=rule, started_on=on, started_at=_instant(on, 9))


def _instant(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


def _appeals(
    rng: np.random.Generator,
    plans: list[Plan],
    teams: dict[int, dict[str, list[tuple[Division, list[User]]]]],
    today: date,
) -> list[Plan]:
    """Appeals of closed first-instance judgments to the intermediate court."""
    appeals = []
    for index, plan in enumerate(plans):
        share = APPEAL_SHARE.get(plan.procedure, 0.0)
        if plan.closes_on is None or rng.random() >= share or plan.court.parent is None:
            continue
        higher = plan.court.parent
        procedure = APPEAL_PROCEDURE[PROCEDURES[plan.procedure].category]
        category = PROCEDURES[procedure].category
        if not teams[higher.pk].get(category):
            continue
        start = plan.closes_on + timedelta(days=int(rng.integers(25, 40)))
        late = rng.random() < 0.1
        sent = start + timedelta(days=int(rng.integers(8, 20)) if late else int(rng.integers(1, 5)))
        received = _workday(sent + timedelta(days=int(rng.integers(1, 6))))
        plan.transfer = (start, sent) if sent <= today else None
        if plan.transfer is None or received > today:
            continue
        second = _plan(rng, higher, teams[higher.pk], _NoCauses(plan), procedure, received, today)
        second.original, second.enterprise = index, plan.enterprise
        appeals.append(second)
    return appeals


class _NoCauses(_Causes):
    """An appeal keeps the first instance's cause."""

    def __init__(self, original: Plan) -> None:
        self.original = original

    def pick(self, rng: np.random.Generator, category: str, day: date) -> Cause | None:
        return self.original.cause


def _write(rng: np.random.Generator, plans: list[Plan], today: date) -> int:
    order = sorted(range(len(plans)), key=lambda i: (plans[i].filed_on, i))
    numbers = _numbers([plans[i] for i in order])
    matters = Matter.objects.bulk_create([_matter(plans[i], today) for i in order], batch_size=2000)
    matter_of = {i: m for i, m in zip(order, matters, strict=True)}
    cases = [_case(rng, plans[i], matter_of[i], numbers[id(plans[i])], matter_of) for i in order]
    CourtCase.objects.bulk_create(cases, batch_size=2000)
    _write_clocks(plans, matter_of, today)
    _write_people(plans, matter_of)
    _write_counters(numbers.values())
    return len(cases)


def _numbers(plans: list[Plan]) -> dict[int, tuple[str, int, str, int]]:
    """Sequence numbers without gaps per court code, year and type, in filing order."""
    last: dict[tuple[str, int, str], int] = defaultdict(int)
    numbers = {}
    for plan in plans:
        code = PROCEDURES[plan.procedure].type_code
        key = (plan.court.court_code or "", plan.filed_on.year, code)
        last[key] += 1
        numbers[id(plan)] = (key[0], key[1], code, last[key])
    return numbers


def _matter(plan: Plan, today: date) -> Matter:
    spec = PROCEDURES[plan.procedure]
    closed = plan.closes_on is not None
    if closed:
        stage = "archived"
    elif spec.kind == "court_enforcement":
        stage = "enforcing"
    else:  # waiting for its hearing (the stage without a limit of its own)
        stage = "schedule"
    return Matter(
        kind=spec.kind,
        title=f"{plan.cause.name if plan.cause else spec.type_code} 演示案件 demo case",
        region_id=plan.court.region_id,
        unit=plan.court,
        owner=plan.judge,
        stage=stage,
        status="closed" if closed else "open",
        opened_at=_instant(plan.filed_on, 9),
        closed_at=_instant(plan.closes_on, 17) if plan.closes_on else None,
        enterprise_related=plan.enterprise,
    )


def _case(
    rng: np.random.Generator,
    plan: Plan,
    matter: Matter,
    number: tuple[str, int, str, int],
    matter_of: dict[int, Matter],
) -> CourtCase:
    court_code, year, type_code, sequence = number
    spec = PROCEDURES[plan.procedure]
    return CourtCase(
        matter=matter,
        number=format_case_number(
            year=year, court_code=court_code, type_code=type_code, sequence=sequence
        ),
        year=year,
        court_code=court_code,
        type_code=type_code,
        sequence=sequence,
        category=spec.category,
        procedure=plan.procedure,
        cause=plan.cause,
        claims="演示数据 demo claims",
        division=plan.division,
        panel_kind=PanelKind.SOLE,
        weight=spec.weight,
        filed_on=plan.filed_on,
        original_filed_on=plan.filed_on,
        judged_on=plan.closes_on,
        archived_on=plan.closes_on,
        outcome="判决 judgment" if plan.closes_on else "",
        verify_hash=code_hash(f"{int(rng.integers(10**8)):08d}"),
        original_id=matter_of[plan.original].pk if plan.original is not None else None,
    )


def _write_clocks(plans: list[Plan], matter_of: dict[int, Matter], today: date) -> None:
    """The overall clock of every case and the transfer clock of every appealed one, with
    their events; due dates from the legal clock, as replay computes them."""
    clocks: list[Clock] = []
    events: list[list[ClockEvent]] = []
    for index, plan in enumerate(plans):
        matter = matter_of[index]
        rule = PROCEDURES[plan.procedure].rule
        clock, clock_events = _clock(matter, "overall", "审理期限 Trial limit", rule, plan)
        clocks.append(clock)
        events.append(clock_events)
        if plan.transfer is not None:
            category = PROCEDURES[plan.procedure].category
            transfer_rule = FIRST_INSTANCE_RULES[category].get("transfer")
            if transfer_rule:
                start, sent = plan.transfer
                clock, clock_events = _stage_clock(matter, transfer_rule, start, sent, plan)
                clocks.append(clock)
                events.append(clock_events)
    Clock.objects.bulk_create(clocks, batch_size=2000)
    for clock, clock_events in zip(clocks, events, strict=True):
        for event in clock_events:
            event.clock = clock
    ClockEvent.objects.bulk_create([e for group in events for e in group], batch_size=5000)
    _matter_due(clocks, matter_of)


def _clock(
    matter: Matter, purpose: str, label: str, rule: str, plan: Plan
) -> tuple[Clock, list[ClockEvent]]:
    value = _value(rule, plan.filed_on)
    due = legal.compute(value).due_on
    clock = _clock_row(matter, purpose, label, rule, plan.filed_on, plan)
    events = [_event(ClockEventKind.START, plan.filed_on, f"起算 {label}", None, due, rule)]
    if plan.extended_on is not None:
        value, extension = _extend(value, rule, plan.extended_on)
        if extension is not None:
            events.append(extension)
            clock.extensions_used = 1
    return _finish(clock, value, events, plan.closes_on)


def _stage_clock(
    matter: Matter, rule: str, start: date, sent: date, plan: Plan
) -> tuple[Clock, list[ClockEvent]]:
    label = "移送二审 Transfer to the higher court"
    value = _value(rule, start)
    due = legal.compute(value).due_on
    clock = _clock_row(matter, "stage:transfer", label, rule, start, plan)
    events = [_event(ClockEventKind.START, start, f"起算 {label}", None, due, rule)]
    return _finish(clock, value, events, sent)


def _clock_row(matter: Matter, purpose: str, label: str, rule: str, on: date, plan: Plan) -> Clock:
    return Clock(
        matter=matter,
        purpose=purpose,
        label=label,
        rule=rule,
        started_on=on,
        started_at=_instant(on, 9),
        state=ClockState.RUNNING,
        holder=plan.judge,
    )


def _extend(
    value: legal.LegalClock, rule: str, on: date
) -> tuple[legal.LegalClock, ClockEvent | None]:
    step = legal.next_extension_step(rule, 0)
    if step is None:
        return value, None
    amount = step.max_amount or Period(3, PeriodUnit.MONTHS)
    try:
        extended = value.extend(amount, approver=step.approver)
    except ClockError:
        return value, None
    before, after = legal.compute(value).due_on, legal.compute(extended).due_on
    reason = "有特殊情况需要延长 special circumstances"
    event = _event(ClockEventKind.EXTEND, on, reason, before, after, step.citation)
    event.amount, event.unit, event.level = amount.amount, amount.unit.value, str(step.approver)
    event.reason_code = "special_circumstances"
    return extended, event


def _finish(
    clock: Clock, value: legal.LegalClock, events: list[ClockEvent], stop_on: date | None
) -> tuple[Clock, list[ClockEvent]]:
    if stop_on is not None:
        stop_on = max(stop_on, clock.started_on)
        value = value.stop(stop_on)
    result = legal.compute(value)
    if stop_on is not None:  # stopping never moves the due date
        due = result.due_on
        events.append(_event(ClockEventKind.STOP, stop_on, "结案 closed", due, due, ""))
        clock.state, clock.stopped_at = ClockState.STOPPED, _instant(stop_on, 17)
    clock.due_on, clock.due_at = result.due_on, result.due_at
    clock.calendar_warnings, clock.span_kind = list(result.warnings), result.span_kind
    return clock, events


def _event(
    kind: str,
    on: date,
    reason: str,
    due_before: date | None,
    due_after: date,
    basis: str,
) -> ClockEvent:
    limit = legal.limit_rule(basis) if kind == ClockEventKind.START else None
    return ClockEvent(
        kind=kind,
        on=on,
        reason=reason,
        legal_basis=("; ".join(limit.citations) if limit else basis or SYSTEM_BASIS)[:200],
        due_before=due_before,
        due_after=due_after,
        recorded_at=_instant(on, 10),
    )


def _matter_due(clocks: list[Clock], matter_of: dict[int, Matter]) -> None:
    """An open matter's due date is its running overall clock's (as refresh_matter_due)."""
    running = {c.matter_id: c for c in clocks if c.state == ClockState.RUNNING}
    open_matters = [m for m in matter_of.values() if m.pk in running]
    for matter in open_matters:
        matter.due_on, matter.due_at = running[matter.pk].due_on, running[matter.pk].due_at
    Matter.objects.bulk_update(open_matters, ["due_on", "due_at"], batch_size=2000)


def _write_people(plans: list[Plan], matter_of: dict[int, Matter]) -> None:
    PanelMember.objects.bulk_create(
        (
            PanelMember(case_id=matter_of[i].pk, judge=plan.judge, role=PanelRole.SOLE)
            for i, plan in enumerate(plans)
        ),
        batch_size=5000,
    )
    Holding.objects.bulk_create(
        (
            Holding(
                matter=matter_of[i],
                holder=plan.judge,
                since=_instant(plan.filed_on, 9),
                until=_instant(plan.closes_on, 17) if plan.closes_on else None,
            )
            for i, plan in enumerate(plans)
        ),
        batch_size=5000,
    )


def _write_counters(numbers: Any) -> None:
    last: dict[tuple[str, int, str], int] = {}
    for court_code, year, type_code, sequence in numbers:
        key = (court_code, year, type_code)
        last[key] = max(last.get(key, 0), sequence)
    SequenceCounter.objects.bulk_create(
        SequenceCounter(court_code=c, year=y, type_code=t, last=n) for (c, y, t), n in last.items()
    )
