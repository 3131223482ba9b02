"""The clock value: a statutory period started on a date, then paused (中止), deducted (扣除),
extended (延长) and stopped (结案). Every event returns a new :class:`Clock`."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from functools import cached_property
from zoneinfo import ZoneInfo

from zhengfa.clock.calendar import WorkCalendar, default_calendar
from zhengfa.clock.errors import (
    ClockError,
    ClockStopped,
    ExtensionNotAllowed,
    InvalidPause,
    InvalidPeriod,
)
from zhengfa.clock.limits import (
    APPROVER_ZH,
    Approver,
    ExcludedReason,
    ExtensionStep,
    LimitRule,
    approver_satisfies,
    get_rule,
)
from zhengfa.clock.periods import (
    MonthRule,
    Period,
    Span,
    Unit,
    add_months,
    count_days,
    first_counted_instant,
    nth_workday_after,
    raw_end,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
END_OF_DAY = time(23, 59, 59)  # the last day ends at 24:00 (Civil Code art. 203(2))
DEFAULT_DUE_SOON_DAYS = 3
_DAY = timedelta(days=1)


class ClockState(StrEnum):
    RUNNING = "running"
    PAUSED = "paused"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    STOPPED = "stopped"


@dataclass(frozen=True)
class Step:
    """One line of the explanation, pasteable into an approval form."""

    zh: str
    en: str
    citation: str

    def to_json(self) -> dict[str, str]:
        return {"zh": self.zh, "en": self.en, "citation": self.citation}


@dataclass(frozen=True)
class Pause:
    """Suspension (中止): days ``start`` to ``end`` inclusive do not count; ``end`` None while
    the clock is still paused."""

    start: date
    end: date | None
    reason: str = "suspension"


@dataclass(frozen=True)
class Deduction:
    """扣除: a number of days (working days for a working-day period) that do not count."""

    days: int
    reason: str


@dataclass(frozen=True)
class Extension:
    periods: tuple[Period, ...]
    approver: Approver | None
    citation: str
    sets_total: bool = False


@dataclass(frozen=True)
class Outcome:
    """The computation behind a due date, kept for warnings and the explanation."""

    due_on: date
    due_at: datetime
    raw_end: date | None  # after the period arithmetic, before pauses and deductions
    counted_end: date | None  # after pauses and deductions, before the roll
    rolled_from: date | None  # the rest day the end was rolled from
    roll_skipped: date | None  # the day a roll would have reached (custody: no roll)


@dataclass(frozen=True)
class Clock:
    """A running statutory period. Build one with :meth:`start_under` (a rule from the
    table) or :meth:`for_periods` (a bare period)."""

    start: date | datetime
    base_periods: tuple[Period, ...]
    rule: LimitRule | None = None
    month_rule: MonthRule = MonthRule.CIVIL
    custody: bool = False
    rolls: bool = True
    pauses: tuple[Pause, ...] = ()
    deductions: tuple[Deduction, ...] = ()
    extensions: tuple[Extension, ...] = ()
    stopped_on: date | None = None
    calendar: WorkCalendar = field(default_factory=default_calendar, compare=False, repr=False)

    @classmethod
    def start_under(
        cls,
        rule: LimitRule | str,
        on: date | datetime,
        *,
        custody: bool = False,
        calendar: WorkCalendar | None = None,
    ) -> Clock:
        """Start the rule's period on its trigger date (the trigger day is not counted)."""
        limit = get_rule(rule) if isinstance(rule, str) else rule
        return cls.for_periods(
            on,
            limit.period,
            rule=limit,
            month_rule=limit.month_rule,
            custody=custody,
            rolls=limit.rolls,
            calendar=calendar,
        )

    @classmethod
    def for_periods(
        cls,
        on: date | datetime,
        periods: tuple[Period, ...] | Period,
        *,
        rule: LimitRule | None = None,
        month_rule: MonthRule = MonthRule.CIVIL,
        custody: bool = False,
        rolls: bool = True,
        calendar: WorkCalendar | None = None,
    ) -> Clock:
        base = (periods,) if isinstance(periods, Period) else tuple(periods)
        clock = cls(
            start=_as_shanghai(on),
            base_periods=base,
            rule=rule,
            month_rule=month_rule,
            custody=custody,
            rolls=rolls,
            calendar=calendar or default_calendar(),
        )
        clock.span.check_consistent()
        clock._check_start_type()
        return clock

    # -- events -------------------------------------------------------------------------

    def pause(self, on: date, reason: str = "suspension") -> Clock:
        """中止: from ``on`` (inclusive) the clock stops counting until :meth:`resume`."""
        self._check_open()
        self._check_pausable(reason)
        if self.open_pause is not None:
            raise InvalidPause(f"already paused since {self.open_pause.start}; resume it first")
        self._check_pause_start(on)
        return self._with(pauses=(*self.pauses, Pause(on, None, reason)))

    def resume(self, on: date) -> Clock:
        """The pause ends on ``on``, which is itself not counted (inclusive, §5.3)."""
        self._check_open()
        pause = self.open_pause
        if pause is None:
            raise InvalidPause("the clock is not paused; accepted: resume after pause(on)")
        if on < pause.start:
            raise InvalidPause(f"resume date {on} is before the pause start {pause.start}")
        closed = dataclasses.replace(pause, end=on)
        return self._with(pauses=(*self.pauses[:-1], closed))

    def paused_between(self, first: date, last: date, reason: str = "suspension") -> Clock:
        """A pause of days ``first`` to ``last`` inclusive (CLI ``--pause A:B``)."""
        if last < first:
            raise InvalidPause(f"pause {first}:{last} ends before it starts; accepted: A <= B")
        return self.pause(first, reason).resume(last)

    def deduct(self, days: int, reason: str) -> Clock:
        """扣除: ``days`` that do not count (working days for a working-day period)."""
        self._check_open()
        self._check_pausable(reason)
        if days < 1:
            raise InvalidPause(f"deduction of {days} days; accepted: 1 or more days")
        return self._with(deductions=(*self.deductions, Deduction(days, reason)))

    def extend(self, amount: Period | None = None, approver: Approver | str | None = None) -> Clock:
        """延长, checked against the rule's ladder: the next step's approver level (or a
        higher court), its maximum amount and the rule's cumulative cap."""
        self._check_open()
        level = Approver(approver) if approver is not None else None
        if self.rule is None:
            if amount is None:
                raise ExtensionNotAllowed("an extension without a rule needs an amount")
            extension = Extension((amount,), level, "extension without a rule: not checked")
        else:
            extension = self._ladder_extension(amount, level)
        extended = self._with(extensions=(*self.extensions, extension))
        extended._check_cap()
        return extended

    def stop(self, on: date) -> Clock:
        """结案: the clock stops on ``on`` (judgment pronounced, mediation statement served)."""
        self._check_open()
        if on < self.start_date:
            raise ClockError(f"stop date {on} is before the start {self.start_date}")
        return self._with(stopped_on=on)

    # -- answers ------------------------------------------------------------------------

    @property
    def start_date(self) -> date:
        return self.start.date() if isinstance(self.start, datetime) else self.start

    @property
    def periods(self) -> tuple[Period, ...]:
        """The periods in force: the base plus extensions (or a step's new total)."""
        periods = self.base_periods
        for extension in self.extensions:
            periods = extension.periods if extension.sets_total else (*periods, *extension.periods)
        return periods

    @cached_property
    def span(self) -> Span:
        return Span.of(self.periods)

    @property
    def open_pause(self) -> Pause | None:
        if self.pauses and self.pauses[-1].end is None:
            return self.pauses[-1]
        return None

    @cached_property
    def outcome(self) -> Outcome:
        return _compute(self, self._closed_pauses(None))

    @property
    def due_on(self) -> date:
        """The last day of the period (an open pause counts from its start to that day
        once resumed; until then it adds nothing)."""
        return self.outcome.due_on

    @property
    def due_at(self) -> datetime:
        """The instant the period ends, Asia/Shanghai: the end of the due day for calendar
        and working-day periods; the exact instant for hour and minute periods."""
        return self.outcome.due_at

    def due_on_as_of(self, as_of: date) -> date:
        """The due date if an open pause were resumed on ``as_of``."""
        if self.open_pause is None:
            return self.due_on
        return _compute(self, self._closed_pauses(as_of)).due_on

    def remaining_days(self, as_of: date) -> int:
        """Calendar days from ``as_of`` to the due date; negative when overdue."""
        return (self.due_on_as_of(as_of) - as_of).days

    def state(
        self, as_of: date | datetime, due_soon_days: int = DEFAULT_DUE_SOON_DAYS
    ) -> ClockState:
        day = as_of.date() if isinstance(as_of, datetime) else as_of
        if self.stopped_on is not None and day >= self.stopped_on:
            return ClockState.STOPPED
        pause = self.open_pause
        if pause is not None and day >= pause.start:
            return ClockState.PAUSED
        if self._is_overdue(as_of):
            return ClockState.OVERDUE
        if self.remaining_days(day) <= due_soon_days:
            return ClockState.DUE_SOON
        return ClockState.RUNNING

    @cached_property
    def warnings(self) -> tuple[str, ...]:
        """Everything the due date depends on that is not certain (each starts with a code:
        provisional, makeup, convention, rule)."""
        from zhengfa.clock.explain import clock_warnings

        return tuple(clock_warnings(self))

    def explain(self) -> list[Step]:
        """Each step of the computation, in Chinese and English, with its citation."""
        from zhengfa.clock.explain import explain_steps

        return explain_steps(self)

    # -- internals ----------------------------------------------------------------------

    def _with(self, **changes: object) -> Clock:
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]

    def _is_overdue(self, as_of: date | datetime) -> bool:
        if isinstance(as_of, datetime):
            return _as_shanghai(as_of) > self.due_at
        return as_of > self.due_on_as_of(as_of)

    def _closed_pauses(self, as_of: date | None) -> tuple[tuple[date, date], ...]:
        closed = [(p.start, p.end) for p in self.pauses if p.end is not None]
        pause = self.open_pause
        if pause is not None and as_of is not None and as_of >= pause.start:
            closed.append((pause.start, as_of))
        return tuple(closed)

    def _check_open(self) -> None:
        if self.stopped_on is not None:
            raise ClockStopped(f"the clock was stopped on {self.stopped_on}; it takes no events")

    def _check_start_type(self) -> None:
        if self.span.kind == "minutes" and not isinstance(self.start, datetime):
            raise InvalidPeriod(
                "hour and minute periods need a date-time start (e.g. 2026-03-10T15:20)"
            )

    def _check_pausable(self, reason: str) -> None:
        if self.span.kind == "minutes":
            raise InvalidPause("hour and minute periods cannot be paused or deducted")
        if self.rule is None:
            return
        if self.rule.invariable:
            raise InvalidPause(
                f"{self.rule.code} is a 不变期间 (invariable period): no suspension or extension"
            )
        accepted = [r.code for r in self.rule.excluded]
        if accepted and reason not in accepted:
            raise InvalidPause(
                f"{reason!r} is not a lawful reason to stop {self.rule.code}; "
                f"accepted: {', '.join(accepted)}"
            )

    def _check_pause_start(self, on: date) -> None:
        if on <= self.start_date:
            raise InvalidPause(
                f"pause on {on} is outside the clock's run: accepted from the day after the "
                f"start ({self.start_date + _DAY}) to the due date ({self.due_on})"
            )
        if on > self.due_on:
            raise InvalidPause(
                f"pause on {on} is outside the clock's run: the clock expired on {self.due_on}; "
                f"accepted: {self.start_date + _DAY} to {self.due_on}"
            )
        last = self.pauses[-1] if self.pauses else None
        if last is not None and last.end is not None and on <= last.end:
            raise InvalidPause(
                f"pause from {on} overlaps the pause {last.start}:{last.end}; accepted: pauses "
                f"in date order that start after {last.end}"
            )

    def _ladder_extension(self, amount: Period | None, level: Approver | None) -> Extension:
        assert self.rule is not None
        step = self._next_step()
        required = step.approver
        if level is not None and not approver_satisfies(level, required):
            raise ExtensionNotAllowed(
                f"extension {len(self.extensions) + 1} of {self.rule.code} needs approval by "
                f"{required.value} (or a higher court); got {level.value}"
            )
        if step.sets_total:
            return Extension(step.sets_total, level or required, step.citation, sets_total=True)
        if amount is None:
            if step.max_amount is None:
                raise ExtensionNotAllowed(
                    f"the law fixes no length for this extension of {self.rule.code}; give one"
                )
            amount = step.max_amount
        _check_step_amount(self.rule, step, amount)
        return Extension((amount,), level or required, step.citation)

    def _next_step(self) -> ExtensionStep:
        assert self.rule is not None
        steps = self.rule.extensions
        if self.rule.invariable or not steps:
            raise ExtensionNotAllowed(f"{self.rule.code} cannot be extended")
        done = len(self.extensions)
        if done < len(steps):
            return steps[done]
        if steps[-1].repeatable:
            return steps[-1]
        ladder = "; ".join(f"{s.approver.value} {_amount_en(s)}" for s in steps)
        raise ExtensionNotAllowed(
            f"{self.rule.code} allows {len(steps)} extension(s) ({ladder}); {done} already granted"
        )

    def _check_cap(self) -> None:
        if self.rule is None or not self.rule.cap:
            return
        limit = raw_end(self.start_date, Span.of(self.rule.cap), self.month_rule)
        if raw_end(self.start_date, self.span, self.month_rule) > limit:
            raise ExtensionNotAllowed(
                f"{self.rule.code} may run at most {_periods_en(self.rule.cap)} in all "
                f"(cumulative); this would make {_periods_en(self.periods)}"
            )


def _check_step_amount(rule: LimitRule, step: ExtensionStep, amount: Period) -> None:
    limit = step.max_amount
    if limit is None:
        return
    if amount.unit is not limit.unit or amount.amount > limit.amount:
        raise ExtensionNotAllowed(
            f"this extension of {rule.code} is at most {limit.en()} "
            f"({step.citation}); got {amount.en()}"
        )


def _amount_en(step: ExtensionStep) -> str:
    if step.sets_total:
        return f"to {_periods_en(step.sets_total)}"
    return step.max_amount.en() if step.max_amount else "length not fixed"


def _periods_en(periods: tuple[Period, ...]) -> str:
    return " + ".join(p.en() for p in periods)


def _as_shanghai(value: date | datetime) -> date | datetime:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.replace(tzinfo=SHANGHAI)
        return value.astimezone(SHANGHAI)
    return value


def end_of_day(day: date) -> datetime:
    return datetime.combine(day, END_OF_DAY, tzinfo=SHANGHAI)


def _compute(clock: Clock, pauses: tuple[tuple[date, date], ...]) -> Outcome:
    span = clock.span
    if span.kind == "minutes":
        return _compute_instant(clock, span)
    deducted = sum(d.days for d in clock.deductions)
    if span.kind == "workdays":
        due = nth_workday_after(clock.calendar, clock.start_date, span.workdays + deducted, pauses)
        return Outcome(due, end_of_day(due), None, None, None, None)
    raw = raw_end(clock.start_date, span, clock.month_rule)
    counted = raw + timedelta(days=count_days(pauses) + deducted)
    return _roll(clock, raw, counted)


def _roll(clock: Clock, raw: date, counted: date) -> Outcome:
    calendar = clock.calendar
    for year in range(min(raw, counted).year, counted.year + 1):
        calendar.check_year(year)
    rolled = calendar.next_workday(counted)
    calendar.check_year(rolled.year)
    if not clock.rolls:
        return Outcome(counted, end_of_day(counted), raw, counted, None, None)
    if clock.custody:
        skipped = rolled if rolled != counted else None
        return Outcome(counted, end_of_day(counted), raw, counted, None, skipped)
    rolled_from = counted if rolled != counted else None
    return Outcome(rolled, end_of_day(rolled), raw, counted, rolled_from, None)


def _compute_instant(clock: Clock, span: Span) -> Outcome:
    assert isinstance(clock.start, datetime)
    unit = Unit.HOURS if span.minutes % 60 == 0 else Unit.MINUTES
    begins = first_counted_instant(clock.start, unit)
    due_at = begins + timedelta(minutes=span.minutes)
    return Outcome(due_at.date(), due_at, None, None, None, None)


def chained_alternative(clock: Clock) -> date | None:
    """Due date if month extensions were chained from the first expiry instead of counted
    cumulatively from the start (legal-time-limits §1.15, §8a); None if not applicable."""
    month_extensions = [e for e in clock.extensions if not e.sets_total]
    if clock.span.kind != "calendar" or not month_extensions or not clock.span.months:
        return None
    base = Span.of(clock.base_periods)
    end = raw_end(clock.start_date, base, clock.month_rule)
    for extension in month_extensions:
        part = Span.of(extension.periods)
        end = add_months(end, part.months, clock.month_rule) + timedelta(days=part.days)
    deducted = sum(d.days for d in clock.deductions)
    counted = end + timedelta(days=count_days(clock._closed_pauses(None)) + deducted)
    return _roll(clock, end, counted).due_on


def excluded_reason(rule: LimitRule | None, code: str) -> ExcludedReason | None:
    if rule is None:
        return None
    return next((r for r in rule.excluded if r.code == code), None)


__all__ = [
    "APPROVER_ZH",
    "Clock",
    "ClockState",
    "Deduction",
    "Extension",
    "Outcome",
    "Pause",
    "Step",
    "chained_alternative",
    "end_of_day",
]
