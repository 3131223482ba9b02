"""``zhengfa clock due|rules|bench|import-notice``: the legal clock from the command line.

Runs without Django. Bad input prints what is wrong and what is accepted on stderr and
exits with status 2; nothing is stored on error.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

from zhengfa.clock.calendar import WorkCalendar, default_calendar
from zhengfa.clock.clock import SHANGHAI, Clock
from zhengfa.clock.errors import ClockError
from zhengfa.clock.limits import LIMITS, Approver, ExtensionStep, LimitRule, get_rule
from zhengfa.clock.periods import MonthRule, Period, Unit

EXIT_BAD_INPUT = 2
PERIOD_OPTIONS = {
    "days": Unit.DAYS,
    "months": Unit.MONTHS,
    "years": Unit.YEARS,
    "workdays": Unit.WORKDAYS,
    "hours": Unit.HOURS,
    "minutes": Unit.MINUTES,
}
EXTEND_OPTIONS = {
    "extend_months": Unit.MONTHS,
    "extend_days": Unit.DAYS,
    "extend_workdays": Unit.WORKDAYS,
}


class UsageError(Exception):
    """Raised instead of argparse's own exit so main() returns 2 to its caller."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.format_usage()}{self.prog}: error: {message}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
        return int(args.handler(args))
    except UsageError as error:
        print(error, file=sys.stderr)
    except ClockError as error:
        print(f"error: {error}", file=sys.stderr)
    return EXIT_BAD_INPUT


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="zhengfa clock", description="The legal clock (法定期限).")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    _add_due(commands.add_parser("due", help="compute a due date and explain it"))
    _add_rules(commands.add_parser("rules", help="print the table of time limits"))
    _add_bench(commands.add_parser("bench", help="measure bulk and scalar speed"))
    _add_import(commands.add_parser("import-notice", help="import a State Council notice"))
    return parser


# -- argument types ---------------------------------------------------------------------


def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date; accepted: YYYY-MM-DD, e.g. 2026-03-02"
        ) from None


def iso_start(text: str) -> date | datetime:
    """A date, or a date-time (needed by --hours/--minutes) read as Asia/Shanghai time."""
    if "T" not in text and " " not in text:
        return iso_date(text)
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date-time; accepted: YYYY-MM-DDTHH:MM, e.g. 2026-03-10T15:20"
        ) from None


def pause_range(text: str) -> tuple[date, date]:
    first, sep, last = text.partition(":")
    if not sep:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a pause; accepted: A:B with ISO dates, e.g. 2026-03-01:2026-03-20"
        )
    return iso_date(first), iso_date(last)


def non_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r}: accepted: a whole number 0 or more")
    return value


# -- due --------------------------------------------------------------------------------


def _add_due(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--start", type=iso_start, required=True, help="trigger date (-time)")
    period = parser.add_mutually_exclusive_group()
    for name in PERIOD_OPTIONS:
        period.add_argument(f"--{name}", type=non_negative, metavar="N")
    parser.add_argument("--rule", help="limit code from `zhengfa clock rules`")
    parser.add_argument("--month-rule", choices=[r.value for r in MonthRule])
    parser.add_argument("--custody", action="store_true", help="no holiday roll (CrimPL 105(4))")
    parser.add_argument("--pause", type=pause_range, action="append", default=[], metavar="A:B")
    parser.add_argument("--pause-reason", help="reason code for the pauses")
    parser.add_argument("--deduct-days", type=non_negative, metavar="N")
    parser.add_argument("--deduct-reason", help="reason code for the deduction")
    extend = parser.add_mutually_exclusive_group()
    for name in EXTEND_OPTIONS:
        flag = "--" + name.replace("_", "-")
        extend.add_argument(flag, dest=name, type=non_negative, action="append", metavar="N")
    parser.add_argument("--approver", choices=[a.value for a in Approver])
    parser.add_argument("--as-of", type=iso_date, help="date for state and remaining days")
    parser.add_argument("--strict-calendar", action="store_true", help="refuse provisional years")
    parser.add_argument("--calendar-dir", type=Path, help="imported notices directory")
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(handler=run_due)


def run_due(args: argparse.Namespace) -> int:
    clock = clock_from_args(args)
    as_of = args.as_of or datetime.now(SHANGHAI).date()
    report = due_report(clock, as_of)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print(_due_text(report))
    return 0


def clock_from_args(args: argparse.Namespace) -> Clock:
    rule = get_rule(args.rule) if args.rule else None
    calendar = _calendar(args.calendar_dir).with_strict(args.strict_calendar)
    periods = _periods(args, rule)
    month_rule = MonthRule(args.month_rule) if args.month_rule else _rule_month_rule(rule)
    clock = Clock.for_periods(
        args.start,
        periods,
        rule=rule,
        month_rule=month_rule,
        custody=args.custody,
        rolls=rule.rolls if rule else True,
        calendar=calendar,
    )
    for unit_key, unit in EXTEND_OPTIONS.items():
        for amount in getattr(args, unit_key) or []:
            clock = clock.extend(Period(amount, unit), args.approver)
    for first, last in sorted(args.pause):
        clock = clock.paused_between(first, last, args.pause_reason or _reason(rule))
    if args.deduct_days:
        clock = clock.deduct(args.deduct_days, args.deduct_reason or _reason(rule))
    _ = clock.due_on  # raise calendar errors here, not while printing
    return clock


def _calendar(directory: Path | None) -> WorkCalendar:
    return WorkCalendar.load(notice_dir=directory) if directory else default_calendar()


def _periods(args: argparse.Namespace, rule: LimitRule | None) -> tuple[Period, ...]:
    given = [(name, getattr(args, name)) for name in PERIOD_OPTIONS]
    chosen = [Period(value, PERIOD_OPTIONS[name]) for name, value in given if value is not None]
    if chosen:
        return tuple(chosen)
    if rule is not None:
        return rule.period
    raise ClockError(
        "no period given; accepted: --days/--months/--years/--workdays/--hours/--minutes N, "
        "or --rule CODE"
    )


def _rule_month_rule(rule: LimitRule | None) -> MonthRule:
    return rule.month_rule if rule else MonthRule.CIVIL


def _reason(rule: LimitRule | None) -> str:
    codes = [r.code for r in rule.excluded] if rule else []
    if not codes or "suspension" in codes:
        return "suspension"
    return codes[0]


def due_report(clock: Clock, as_of: date) -> dict[str, object]:
    return {
        "start": clock.start.isoformat(),
        "periods": [{"amount": p.amount, "unit": p.unit.value} for p in clock.periods],
        "rule": clock.rule.code if clock.rule else None,
        "due_on": clock.due_on.isoformat(),
        "due_at": clock.due_at.isoformat(),
        "as_of": as_of.isoformat(),
        "state": clock.state(as_of).value,
        "remaining_days": clock.remaining_days(as_of),
        "warnings": list(clock.warnings),
        "steps": [step.to_json() for step in clock.explain()],
    }


def _due_text(report: dict[str, object]) -> str:
    lines = [
        f"due on {report['due_on']} (ends {report['due_at']})",
        f"state on {report['as_of']}: {report['state']}, {report['remaining_days']} days left",
    ]
    warnings = report["warnings"]
    assert isinstance(warnings, list)
    lines += [f"warning: {w}" for w in warnings]
    steps = report["steps"]
    assert isinstance(steps, list)
    for number, step in enumerate(steps, 1):
        lines.append(f"{number}. {step['zh']}\n   {step['en']}\n   [{step['citation']}]")
    return "\n".join(lines)


# -- rules ------------------------------------------------------------------------------


def _add_rules(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--code", help="show one rule")
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(handler=run_rules)


def run_rules(args: argparse.Namespace) -> int:
    rules = [get_rule(args.code)] if args.code else list(LIMITS)
    if args.json:
        print(json.dumps([rule_json(r) for r in rules], ensure_ascii=False, indent=2))
        return 0
    for rule in rules:
        print(_rule_text(rule))
    return 0


def rule_json(rule: LimitRule) -> dict[str, object]:
    return {
        "code": rule.code,
        "title_zh": rule.title_zh,
        "title_en": rule.title_en,
        "period": rule.period_en(),
        "month_rule": rule.month_rule.value,
        "rolls": rule.rolls,
        "custody_no_roll": rule.custody_no_roll,
        "trigger": rule.trigger_en,
        "extensions": [_step_json(s) for s in rule.extensions],
        "cap": " + ".join(p.en() for p in rule.cap) or None,
        "excluded": [{"code": r.code, "zh": r.zh, "citation": r.citation} for r in rule.excluded],
        "request_days_before": rule.deadlines.request_days_before if rule.deadlines else None,
        "decision_days_before": rule.deadlines.decision_days_before if rule.deadlines else None,
        "effective_from": rule.effective_from.isoformat(),
        "effective_to": rule.effective_to.isoformat() if rule.effective_to else None,
        "transition": rule.transition or None,
        "verified": rule.verified,
        "citations": list(rule.citations),
    }


def _step_json(step: ExtensionStep) -> dict[str, object]:
    return {
        "approver": step.approver.value,
        "max_amount": step.max_amount.en() if step.max_amount else None,
        "sets_total": " + ".join(p.en() for p in step.sets_total) or None,
        "repeatable": step.repeatable,
        "citation": step.citation,
    }


def _rule_text(rule: LimitRule) -> str:
    ladder = " → ".join(
        f"{s.approver.value} {s.max_amount.en() if s.max_amount else ''}".strip()
        for s in rule.extensions
    )
    flags = "" if rule.verified else "  [NOT VERIFIED]"
    return (
        f"{rule.code:<28} {rule.period_en():<12} {rule.title_zh}{flags}\n"
        f"{'':<28} from: {rule.trigger_en}; extension: {ladder or '—'}\n"
        f"{'':<28} {'; '.join(rule.citations)}"
    )


# -- bench ------------------------------------------------------------------------------


def _add_bench(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--n", type=non_negative, default=1_000_000, help="clocks in bulk")
    parser.add_argument("--sample", type=non_negative, default=2_000, help="peers' sample")
    parser.add_argument("--seed", type=int, default=20261101)
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(handler=run_bench)


def run_bench(args: argparse.Namespace) -> int:
    from zhengfa.clock.bench import format_report, run

    if args.n < 1000 or args.sample < 100:
        raise ClockError("bench needs --n of at least 1000 and --sample of at least 100")
    report = run(n=args.n, sample=args.sample, seed=args.seed)
    print(json.dumps(report, indent=2) if args.json else format_report(report))
    return 0


# -- import-notice ----------------------------------------------------------------------


def _add_import(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="the notice's Chinese text (UTF-8)")
    parser.add_argument("--year", type=int, help="the year, if the text does not name it")
    parser.add_argument("--dry-run", action="store_true", help="parse and print; store nothing")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--calendar-dir", type=Path, help="where to store (default: env)")
    parser.set_defaults(handler=run_import)


def run_import(args: argparse.Namespace) -> int:
    from zhengfa.clock.notices import parse_notice, store_notice

    try:
        text = args.file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ClockError(f"cannot read {args.file}: {error}; accepted: a UTF-8 text file") from None
    arrangement = parse_notice(text, year=args.year)
    holidays = [d.isoformat() for d in sorted(arrangement.holidays)]
    workdays = [d.isoformat() for d in sorted(arrangement.workdays)]
    summary: dict[str, object] = {
        "year": arrangement.year,
        "holidays": holidays,
        "workdays": workdays,
    }
    stored = None if args.dry_run else store_notice(arrangement, args.calendar_dir)
    if stored is not None:
        summary["stored"] = str(stored)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
        return 0
    print(f"{arrangement.year}: {len(holidays)} days off, {len(workdays)} make-up working days")
    print(f"days off: {', '.join(holidays)}")
    print(f"make-up working days: {', '.join(workdays) or '—'}")
    print(f"stored in {stored}" if stored else "dry run: nothing stored")
    return 0
