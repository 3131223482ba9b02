"""The Clock value: every rule in the table, events, ladder checks, state, explanation."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhengfa.clock import (
    LIMITS,
    Clock,
    ClockState,
    ClockStopped,
    ExtensionNotAllowed,
    InvalidPause,
    MonthRule,
    Period,
    Unit,
    UnknownRule,
    WorkCalendar,
    get_rule,
)
from zhengfa.clock.clock import SHANGHAI
from zhengfa.clock.periods import add_months

START = date(2026, 3, 2)
DATETIME_START = datetime(2026, 3, 2, 9, 30, tzinfo=SHANGHAI)


@pytest.mark.parametrize("rule", LIMITS, ids=[r.code for r in LIMITS])
def test_every_rule_gives_a_due_date_and_explains_it(rule, calendar: WorkCalendar) -> None:
    start = DATETIME_START if rule.period[0].unit is Unit.HOURS else START
    clock = Clock.start_under(rule, start, calendar=calendar)
    assert clock.due_on >= START
    assert clock.due_at.tzinfo is not None
    steps = clock.explain()
    assert steps and all(s.zh and s.en for s in steps)
    assert rule.citations and all(rule.citations)
    if not rule.verified:
        assert any(w.startswith("rule:") and "not verified" in w for w in clock.warnings)


def test_rule_codes_named_in_the_issue_exist() -> None:
    for code in (
        "civil.first.ordinary",
        "civil.first.simple",
        "civil.first.small_claims",
        "civil.appeal.judgment",
        "civil.second.judgment",
        "criminal.first.public",
        "criminal.summary",
        "criminal.fast_track",
        "criminal.second",
        "admin.first",
        "admin.simple",
        "admin.second",
        "enforcement",
        "enforcement.nonlitigation",
        "petition.accept",
        "petition.handle",
        "licence.decide",
        "public_order.2012",
        "public_order.2025",
        "mediation.confirm.apply",
    ):
        assert get_rule(code).code == code


def test_unknown_rule_lists_accepted_codes() -> None:
    with pytest.raises(UnknownRule, match="accepted codes: .*civil.first.ordinary"):
        get_rule("civil.first")


def test_public_order_transition() -> None:
    old, new = get_rule("public_order.2012"), get_rule("public_order.2025")
    assert old.applies_on(date(2025, 12, 31)) and not old.applies_on(date(2026, 1, 1))
    assert new.applies_on(date(2026, 1, 1)) and not new.verified


def test_extension_requests_deadlines() -> None:
    civil = get_rule("civil.first.ordinary").deadlines
    admin = get_rule("admin.first").deadlines
    assert civil is not None and (civil.request_days_before, civil.decision_days_before) == (15, 5)
    assert admin is not None and admin.request_days_before == 10


def test_simple_procedure_ladder_and_cap(calendar: WorkCalendar) -> None:
    clock = Clock.start_under("civil.first.simple", date(2026, 1, 5), calendar=calendar)
    with pytest.raises(ExtensionNotAllowed, match="court_president"):
        clock.extend(Period(1, Unit.MONTHS), "division_president")
    with pytest.raises(ExtensionNotAllowed, match="at most 1 months"):
        clock.extend(Period(2, Unit.MONTHS), "court_president")
    extended = clock.extend(Period(1, Unit.MONTHS), "court_president")
    assert extended.due_on == date(2026, 5, 6)  # V15
    with pytest.raises(ExtensionNotAllowed, match="allows 1 extension"):
        extended.extend(Period(1, Unit.MONTHS), "court_president")


def test_higher_court_may_approve_a_court_president_step(calendar: WorkCalendar) -> None:
    clock = Clock.start_under("civil.first.ordinary", START, calendar=calendar)
    assert clock.extend(Period(6, Unit.MONTHS), "higher_court").due_on > clock.due_on


def test_criminal_ladder_goes_to_the_supreme_court_repeatedly(calendar: WorkCalendar) -> None:
    clock = Clock.start_under("criminal.first.public", date(2026, 1, 10), calendar=calendar)
    clock = clock.extend(Period(1, Unit.MONTHS), "court_president")
    clock = clock.extend(Period(3, Unit.MONTHS), "higher_court")
    assert clock.due_on == date(2026, 7, 10)  # V33: 3 + 3 months
    for _ in range(2):
        clock = clock.extend(Period(2, Unit.MONTHS), "supreme_court")
    with pytest.raises(ExtensionNotAllowed, match="supreme_court"):
        clock.extend(Period(1, Unit.MONTHS), "high_court")


def test_summary_procedure_extends_to_one_and_a_half_months(calendar: WorkCalendar) -> None:
    clock = Clock.start_under("criminal.summary", date(2026, 6, 1), calendar=calendar)
    assert clock.due_on == date(2026, 6, 22)  # V37
    extended = clock.extend(approver="statutory")
    assert extended.due_on == date(2026, 7, 16)  # 1 month -> 07-01, + 15 days


def test_retrial_application_is_invariable(calendar: WorkCalendar) -> None:
    clock = Clock.start_under("civil.retrial.apply", START, calendar=calendar)
    with pytest.raises(ExtensionNotAllowed):
        clock.extend(Period(1, Unit.MONTHS))
    with pytest.raises(InvalidPause, match="不变期间"):
        clock.pause(date(2026, 4, 1))


def test_pause_reason_must_be_lawful_for_the_rule(calendar: WorkCalendar) -> None:
    clock = Clock.start_under("licence.decide", START, calendar=calendar)
    with pytest.raises(InvalidPause, match="accepted: licence_procedure"):
        clock.deduct(3, "suspension")
    assert clock.deduct(3, "licence_procedure").due_on > clock.due_on


def test_pause_resume_and_state(calendar: WorkCalendar) -> None:
    clock = Clock.start_under("civil.first.ordinary", date(2026, 1, 10), calendar=calendar)
    paused = clock.pause(date(2026, 3, 1))
    assert paused.state(date(2026, 3, 5)) is ClockState.PAUSED
    assert paused.remaining_days(date(2026, 3, 5)) == paused.remaining_days(date(2026, 3, 20))
    resumed = paused.resume(date(2026, 3, 20))
    assert resumed.due_on == date(2026, 7, 30)  # V13
    assert resumed.state(date(2026, 4, 1)) is ClockState.RUNNING
    assert resumed.state(date(2026, 7, 28)) is ClockState.DUE_SOON
    assert resumed.state(date(2026, 7, 31)) is ClockState.OVERDUE
    assert resumed.remaining_days(date(2026, 7, 31)) == -1
    stopped = resumed.stop(date(2026, 6, 1))
    assert stopped.state(date(2026, 8, 1)) is ClockState.STOPPED
    with pytest.raises(ClockStopped):
        stopped.pause(date(2026, 6, 5))


def test_invalid_pauses(calendar: WorkCalendar) -> None:
    clock = Clock.for_periods(START, Period(30, Unit.DAYS), calendar=calendar)
    with pytest.raises(InvalidPause, match="outside the clock's run"):
        clock.pause(START)
    with pytest.raises(InvalidPause, match="outside the clock's run"):
        clock.pause(date(2026, 6, 1))
    with pytest.raises(InvalidPause, match="ends before it starts"):
        clock.paused_between(date(2026, 3, 10), date(2026, 3, 5))
    once = clock.paused_between(date(2026, 3, 5), date(2026, 3, 10))
    with pytest.raises(InvalidPause, match="overlaps"):
        once.paused_between(date(2026, 3, 8), date(2026, 3, 12))
    with pytest.raises(InvalidPause, match="not paused"):
        once.resume(date(2026, 3, 12))


def test_hour_clock_rejects_pauses_and_needs_a_time(calendar: WorkCalendar) -> None:
    clock = Clock.start_under("public_order.questioning", DATETIME_START, calendar=calendar)
    assert clock.due_at == datetime(2026, 3, 2, 18, 0, tzinfo=SHANGHAI)
    with pytest.raises(InvalidPause):
        clock.pause(date(2026, 3, 2))
    assert clock.extend(approver="statutory").due_at == datetime(2026, 3, 3, 10, tzinfo=SHANGHAI)


def test_custody_stops_the_roll_and_warns(calendar: WorkCalendar) -> None:
    clock = Clock.start_under(
        "criminal.first.public", date(2026, 3, 31), custody=True, calendar=calendar
    )
    assert clock.due_on == date(2026, 5, 31)  # Sunday, not rolled (CrimPL art. 105(4))
    assert any("custody" in w for w in clock.warnings)


def test_cumulative_versus_chained_extension_warning(calendar: WorkCalendar) -> None:
    clock = Clock.for_periods(
        date(2026, 8, 31), Period(6, Unit.MONTHS), rule=None, calendar=calendar
    ).extend(Period(6, Unit.MONTHS))
    # cumulative: 08-31 + 12 months = 2027-08-31; chained: 02-28 + 6 months = Sat 08-28 -> 08-30
    assert clock.due_on == date(2027, 8, 31)
    assert any("chaining from the first expiry gives 2027-08-30" in w for w in clock.warnings)


def test_provisional_warning_names_the_year(calendar: WorkCalendar) -> None:
    clock = Clock.for_periods(date(2026, 12, 20), Period(3, Unit.MONTHS), calendar=calendar)
    assert any(w.startswith("provisional: 2027") for w in clock.warnings)


def test_month_rules_differ_at_month_end() -> None:
    assert add_months(date(2026, 4, 30), 3, MonthRule.CIVIL) == date(2026, 7, 30)
    assert add_months(date(2026, 4, 30), 3, MonthRule.CRIMINAL) == date(2026, 7, 31)
    assert add_months(date(2023, 8, 31), 6) == date(2024, 2, 29)  # leap February
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)


# -- properties ---------------------------------------------------------------------------

DAYS_2021_2026 = st.dates(min_value=date(2021, 1, 1), max_value=date(2026, 6, 30))
PERIODS = st.one_of(
    st.builds(Period, st.integers(1, 60), st.just(Unit.DAYS)),
    st.builds(Period, st.integers(1, 6), st.just(Unit.MONTHS)),
    st.builds(Period, st.integers(1, 30), st.just(Unit.WORKDAYS)),
)


@settings(max_examples=300, deadline=None)
@given(
    start=DAYS_2021_2026, later=st.integers(1, 40), period=PERIODS, rule=st.sampled_from(MonthRule)
)
def test_a_later_start_is_never_due_earlier(
    calendar: WorkCalendar, start: date, later: int, period: Period, rule: MonthRule
) -> None:
    first = Clock.for_periods(start, period, month_rule=rule, calendar=calendar)
    second = Clock.for_periods(
        start + timedelta(days=later), period, month_rule=rule, calendar=calendar
    )
    assert second.due_on >= first.due_on


@settings(max_examples=300, deadline=None)
@given(start=DAYS_2021_2026, period=PERIODS, offset=st.integers(1, 20), length=st.integers(0, 20))
def test_a_pause_never_makes_a_clock_due_sooner(
    calendar: WorkCalendar, start: date, period: Period, offset: int, length: int
) -> None:
    clock = Clock.for_periods(start, period, calendar=calendar)
    first = start + timedelta(days=offset)
    if first > clock.due_on:
        return
    paused = clock.paused_between(first, first + timedelta(days=length))
    assert paused.due_on >= clock.due_on
