"""Warnings and the step-by-step explanation of a clock, in Chinese and English."""

from __future__ import annotations

from datetime import date, timedelta

from zhengfa.clock.clock import Clock, Extension, Step, chained_alternative, excluded_reason
from zhengfa.clock.limits import APPROVER_ZH
from zhengfa.clock.periods import MonthRule, Span

START_CITATION = "CPL (2023) art. 85(2); CrimPL (2018) art. 105(2); Civil Interp. (2022) art. 125"
HOUR_CITATION = "CPL (2023) art. 85(2); Civil Interp. (2022) art. 125"
MONTH_CITATION = {
    MonthRule.CIVIL: "Civil Code art. 202; SPC 2014-12-12 document on months in trial limits",
    MonthRule.CRIMINAL: "Crim. Interp. (2021) art. 202(1)",
}
DAY_CITATION = "CPL (2023) art. 85; SPC 2014-12-12 document (holidays inside are counted)"
WORKDAY_CITATION = "行政许可法 (2019) art. 82"
ROLL_CITATION = (
    "CPL (2023) art. 85(3); Civil Code art. 203(1); CrimPL (2018) art. 105(4); "
    "Admin Interp. (2018) art. 48(3)"
)
CUSTODY_CITATION = "CrimPL (2018) art. 105(4)"
PAUSE_CITATION = "SPC-2000 art. 9(9); Civil Interp. (2022) art. 243; Admin Interp. (2018) art. 50"
MAKEUP_CITATION = "State Council holiday notice for the year; legal-time-limits §1.14"


def clock_warnings(clock: Clock) -> list[str]:
    warnings = _calendar_warnings(clock)
    warnings += _convention_warnings(clock)
    warnings += _rule_warnings(clock)
    return warnings


def _consulted_years(clock: Clock) -> range:
    outcome = clock.outcome
    if clock.span.kind == "minutes":
        return range(0)
    if clock.span.kind == "workdays":
        return range(clock.start_date.year, outcome.due_on.year + 1)
    assert outcome.raw_end is not None and outcome.counted_end is not None
    first = min(outcome.raw_end, outcome.counted_end).year
    return range(first, max(outcome.due_on, outcome.roll_skipped or outcome.due_on).year + 1)


def _calendar_warnings(clock: Clock) -> list[str]:
    calendar = clock.calendar
    warnings = [
        f"provisional: {year} holiday notice not loaded; the date uses the provisional "
        f"{year} calendar (weekends and statutory holidays of 全国年节及纪念日放假办法, "
        f"make-up working days unknown) / {year}年放假安排尚未公布，按临时日历计算"
        for year in _consulted_years(clock)
        if calendar.is_provisional(year)
    ]
    makeups = _makeup_days_relied_on(clock)
    if makeups:
        listed = ", ".join(d.isoformat() for d in makeups)
        warnings.append(
            f"makeup: the date depends on make-up working day(s) {listed} (调休上班日) being "
            "working days (legal-time-limits §1.14, ~70% confidence); a lenient court might "
            "accept the next weekday"
        )
    return warnings


def _makeup_days_relied_on(clock: Clock) -> list[date]:
    calendar = clock.calendar
    due = clock.outcome.due_on
    if clock.span.kind == "minutes":
        return []
    if clock.span.kind == "workdays":
        days = (
            clock.start_date + timedelta(days=n)
            for n in range(1, (due - clock.start_date).days + 1)
        )
        return [d for d in days if calendar.is_makeup_workday(d)]
    if clock.rolls and not clock.custody and calendar.is_makeup_workday(due):
        return [due]
    return []


def _convention_warnings(clock: Clock) -> list[str]:
    warnings = []
    alternative = chained_alternative(clock)
    if alternative is not None and alternative != clock.due_on:
        warnings.append(
            "convention: extensions are counted cumulatively from the original start "
            f"(legal-time-limits §1.15); chaining from the first expiry gives {alternative}"
        )
    if clock.pauses or clock.deductions:
        after_months = " and added after the month arithmetic" if clock.span.months else ""
        warnings.append(
            f"convention: paused days are counted inclusively{after_months} "
            "(legal-time-limits §1.15, §5.3)"
        )
    skipped = clock.outcome.roll_skipped
    if skipped is not None:
        warnings.append(
            f"convention: custody rule (CrimPL art. 105(4)): no holiday roll; the roll would "
            f"give {skipped}. Applying it to a trial limit is a reading (legal-time-limits §1.8)"
        )
    return warnings


def _rule_warnings(clock: Clock) -> list[str]:
    rule = clock.rule
    if rule is None:
        return []
    warnings = [f"rule: {rule.code}: {note}" for note in rule.uncertainties]
    if not rule.verified:
        warnings.append(f"rule: {rule.code}: primary text not verified ({rule.citations[0]})")
    if not rule.applies_on(clock.start_date):
        warnings.append(
            f"rule: {rule.code} is in force {rule.effective_from} to "
            f"{rule.effective_to or 'now'}; the start {clock.start_date} is outside. "
            f"{rule.transition}".rstrip()
        )
    return warnings


def explain_steps(clock: Clock) -> list[Step]:
    steps = [_start_step(clock), _period_step(clock)]
    steps += [_extension_step(clock, e) for e in clock.extensions]
    steps += _pause_steps(clock)
    steps += _end_steps(clock)
    return steps


def _start_step(clock: Clock) -> Step:
    start = clock.start_date
    if clock.span.kind == "minutes":
        return Step(
            f"起算时间{clock.start.isoformat()}所在的小时不计入，从下一个整点开始计算。",
            f"Triggered at {clock.start.isoformat()}; the starting hour is not counted, so the "
            "period runs from the next full hour.",
            HOUR_CITATION,
        )
    trigger = f"（{clock.rule.trigger_zh}）" if clock.rule else ""
    trigger_en = f" ({clock.rule.trigger_en})" if clock.rule else ""
    first = start + timedelta(days=1)
    return Step(
        f"起算日{start.isoformat()}{trigger}当日不计入，期间自{first}开始计算。",
        f"Triggered on {start.isoformat()}{trigger_en}; the trigger day is not counted, so the "
        f"period runs from {first}.",
        START_CITATION,
    )


def _period_step(clock: Clock) -> Step:
    base = Span.of(clock.base_periods)
    title_zh = f"（{clock.rule.title_zh}，{clock.rule.code}）" if clock.rule else ""
    title_en = f" ({clock.rule.title_en}, {clock.rule.code})" if clock.rule else ""
    cites = "; ".join(clock.rule.citations) if clock.rule else ""
    zh_period = "".join(p.zh() for p in clock.base_periods)
    en_period = " + ".join(p.en() for p in clock.base_periods)
    if base.kind == "workdays":
        how_zh, how_en, law = (
            "按工作日计算，不含法定节假日",
            "counted in working days",
            WORKDAY_CITATION,
        )
    elif base.months:
        rule = clock.month_rule
        how_zh = "以月计算，到期月的对应日" + (
            "（刑事：月末起算则至到期月末日）"
            if rule is MonthRule.CRIMINAL
            else "，无对应日的为月末日"
        )
        how_en = f"counted in months by the {rule.value} month rule"
        law = MONTH_CITATION[rule]
    elif base.kind == "minutes":
        how_zh, how_en, law = (
            "按小时计算，不适用节假日顺延",
            "counted in hours; no holiday roll",
            HOUR_CITATION,
        )
    else:
        how_zh, how_en, law = (
            "按日计算，期间内的节假日计入",
            "counted in calendar days; rest days inside count",
            DAY_CITATION,
        )
    return Step(
        f"期间为{zh_period}{title_zh}，{how_zh}。",
        f"The period is {en_period}{title_en}, {how_en}.",
        "; ".join(x for x in (cites, law) if x),
    )


def _extension_step(clock: Clock, extension: Extension) -> Step:
    approver = extension.approver
    who_zh = APPROVER_ZH[approver] if approver else "延长"
    who_en = f"approved by {approver.value}" if approver else "extension"
    amount_zh = "".join(p.zh() for p in extension.periods)
    amount_en = " + ".join(p.en() for p in extension.periods)
    if extension.sets_total:
        return Step(
            f"经{who_zh}，期间延长至{amount_zh}。",
            f"Extended to {amount_en} in all ({who_en}).",
            extension.citation,
        )
    return Step(
        f"经{who_zh}延长{amount_zh}，自原起算日累计计算。",
        f"Extended by {amount_en} ({who_en}), counted cumulatively from the original start.",
        extension.citation,
    )


def _pause_steps(clock: Clock) -> list[Step]:
    steps = []
    for pause in clock.pauses:
        if pause.end is None:
            steps.append(
                Step(
                    f"自{pause.start}起中止，恢复前不计算期间。",
                    f"Paused (中止) since {pause.start}; the period does not run until resumed.",
                    _reason_citation(clock, pause.reason),
                )
            )
            continue
        days = (pause.end - pause.start).days + 1
        unit_zh = "期间内的工作日" if clock.span.kind == "workdays" else f"共{days}日"
        steps.append(
            Step(
                f"{pause.start}至{pause.end}中止（{unit_zh}），不计入期间。",
                f"Paused {pause.start} to {pause.end} inclusive ({days} days), not counted.",
                _reason_citation(clock, pause.reason),
            )
        )
    for deduction in clock.deductions:
        reason = excluded_reason(clock.rule, deduction.reason)
        label_zh = reason.zh if reason else deduction.reason
        label_en = reason.en if reason else deduction.reason
        unit = "个工作日" if clock.span.kind == "workdays" else "日"
        steps.append(
            Step(
                f"扣除{label_zh}{deduction.days}{unit}。",
                f"Deducted {deduction.days} days not counted ({label_en}).",
                _reason_citation(clock, deduction.reason),
            )
        )
    return steps


def _reason_citation(clock: Clock, code: str) -> str:
    reason = excluded_reason(clock.rule, code)
    return reason.citation if reason else PAUSE_CITATION


def _end_steps(clock: Clock) -> list[Step]:
    outcome = clock.outcome
    steps = []
    if outcome.raw_end is not None and outcome.counted_end is not None:
        steps.append(
            Step(
                f"按期间计算的届满日为{outcome.raw_end}"
                + (
                    f"，加上不计入的期间后为{outcome.counted_end}"
                    if outcome.counted_end != outcome.raw_end
                    else ""
                )
                + "。",
                f"The period arithmetic gives {outcome.raw_end}"
                + (
                    f"; with the days not counted, {outcome.counted_end}"
                    if outcome.counted_end != outcome.raw_end
                    else ""
                )
                + ".",
                MONTH_CITATION[clock.month_rule] if clock.span.months else DAY_CITATION,
            )
        )
    steps.append(_roll_step(clock))
    source = clock.calendar.year_source(outcome.due_on.year) if clock.span.kind != "minutes" else ""
    steps.append(
        Step(
            f"期间届满：{outcome.due_at.isoformat()}（{outcome.due_on}）。",
            f"The period ends at {outcome.due_at.isoformat()} (due on {outcome.due_on}).",
            f"Civil Code art. 203(2); calendar: {source}" if source else "Civil Code art. 203(2)",
        )
    )
    return steps


def _roll_step(clock: Clock) -> Step:
    outcome = clock.outcome
    due = outcome.due_on
    if outcome.rolled_from is not None:
        return Step(
            f"届满日{outcome.rolled_from}为法定休假日，顺延至休假日后的第一日{due}。",
            f"{outcome.rolled_from} is a statutory rest day; the period ends on the first "
            f"working day after it, {due}.",
            ROLL_CITATION,
        )
    if outcome.roll_skipped is not None:
        return Step(
            f"羁押期间不因节假日而延长，届满日仍为{due}。",
            f"In custody the period is not extended for rest days; it ends on {due}.",
            CUSTODY_CITATION,
        )
    if clock.span.kind == "workdays":
        return Step(
            f"第{clock.span.workdays}个工作日（含扣除）为{due}。",
            f"Counting working days gives {due}.",
            WORKDAY_CITATION,
        )
    if clock.span.kind == "minutes" or not clock.rolls:
        return Step("本期间不适用节假日顺延。", "No holiday roll applies to this period.", "")
    if clock.calendar.is_makeup_workday(due):
        return Step(
            f"{due}为调休上班日，是工作日，不顺延。",
            f"{due} is a make-up working day (调休上班日): a working day, no roll.",
            MAKEUP_CITATION,
        )
    return Step(
        f"{due}为工作日，不顺延。",
        f"{due} is a working day; no roll.",
        ROLL_CITATION,
    )
