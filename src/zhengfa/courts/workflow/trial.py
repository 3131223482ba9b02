"""The stages of a case, each a flow move (its clock stops, the next one starts):
service of the complaint, the answer period, scheduling and hearings (≥3 days' notice,
never on a rest day; adjournments capped by SPC-2019), deliberation, judgment (never
before a hearing), service of the judgment, archiving; and conversion of procedure."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from zhengfa.clock import default_calendar
from zhengfa.clock.periods import MonthRule, add_months
from zhengfa.courts.models import CourtCase, Hearing, HearingStatus
from zhengfa.courts.procedures import CONVERSION_BASIS, CONVERSIONS, spec_of
from zhengfa.courts.workflow.assignment import require_panel
from zhengfa.courts.workflow.common import audit, require_change, tell_parties, today
from zhengfa.courts.workflow.dossier import dossier_generate
from zhengfa.flow.common import invalid
from zhengfa.flow.models import Clock, ClockState
from zhengfa.flow.services.clockops import clock_start, clock_stop
from zhengfa.flow.services.matters import matter_move

NOTICE_DAYS = 3  # CPL (2023) art. 139: parties summoned at least three days before
NOTICE_BASIS = "CPL (2023) art. 139; Civil Interp. (2022) art. 227"
ADJOURN_BASIS = "SPC-2019 arts. 6–7 (延期开庭次数与间隔)"


def _move(actor: Any, case: CourtCase, to: str, on: date | None, note: str = "") -> None:
    matter_move(
        actor=actor, matter=case.matter, to_stage=to, version=case.matter.version, note=note, on=on
    )


def _expect_stage(case: CourtCase, *stages: str) -> None:
    if case.matter.stage not in stages:
        raise invalid(
            "stage", f"the case is at {case.matter.stage!r}; accepted here: {', '.join(stages)}"
        )


def overall_clock(case: CourtCase) -> Clock | None:
    return (
        case.matter.clocks.filter(purpose="overall")
        .exclude(state=ClockState.STOPPED)
        .order_by("-pk")
        .first()
    )


def complaint_serve(*, actor: Any, case: CourtCase, on: date | None = None) -> CourtCase:
    """The complaint copy is served: the answer period starts on the day of receipt."""
    _expect_stage(case, "serve")
    day = on or today()
    with transaction.atomic():
        _move(actor, case, "answer", day, "起诉状副本已送达 complaint served")
        dossier_generate(
            actor=actor,
            case=case,
            template="service_record",
            context={"document": "起诉状副本 complaint copy", "served_on": day},
        )
    return case


def answer_close(*, actor: Any, case: CourtCase, on: date | None = None) -> CourtCase:
    """The answer is in (or its period has run): the case is ready to be scheduled."""
    _expect_stage(case, "answer")
    _move(actor, case, "schedule", on, "答辩期结束 answer period over")
    return case


def _check_hearing_day(starts_at: datetime, summoned_on: date) -> date:
    day = timezone.localdate(starts_at)
    if default_calendar().is_rest_day(day):
        raise invalid(
            "starts_at", f"{day} is a rest day (weekend or public holiday); accepted: a working day"
        )
    if (day - summoned_on).days < NOTICE_DAYS:
        raise invalid(
            "starts_at",
            f"the parties must be summoned at least {NOTICE_DAYS} days before the hearing "
            f"({NOTICE_BASIS}); summoned {summoned_on}, hearing {day}",
        )
    return day


def hearing_schedule(
    *,
    actor: Any,
    case: CourtCase,
    starts_at: datetime,
    room: str,
    summoned_on: date | None = None,
    public: bool = True,
    seats: int = 0,
) -> Hearing:
    """Fix the hearing; the summons goes into the dossier and to the parties."""
    require_panel(actor, case)
    _expect_stage(case, "schedule")
    summoned = summoned_on or today()
    _check_hearing_day(starts_at, summoned)
    if not room.strip():
        raise invalid("room", "name the courtroom")
    with transaction.atomic():
        hearing = Hearing.objects.create(
            case=case,
            starts_at=starts_at,
            room=room.strip(),
            summoned_on=summoned,
            public=public,
            seats=seats if public else 0,
        )
        _move(actor, case, "hearing", summoned, f"开庭 {starts_at:%Y-%m-%d %H:%M}")
        dossier_generate(actor=actor, case=case, template="summons", context={"hearing": hearing})
        tell_parties(
            case,
            f"开庭传票 Hearing on {timezone.localtime(starts_at):%Y-%m-%d %H:%M}",
            room,
            NOTICE_BASIS,
        )
        audit(
            actor=actor,
            action="hearing.schedule",
            subject=hearing,
            new={"starts_at": starts_at.isoformat()},
        )
    return hearing


def hearing_adjourn(
    *,
    actor: Any,
    hearing: Hearing,
    reason: str,
    new_starts_at: datetime,
    summoned_on: date | None = None,
) -> Hearing:
    """延期开庭: at most two in ordinary procedure, one in simple or small-claims procedure,
    and the new hearing no more than a month after the one adjourned (SPC-2019)."""
    case = hearing.case
    require_panel(actor, case)
    if hearing.status != HearingStatus.SCHEDULED:
        raise invalid("hearing", "only a scheduled hearing can be adjourned")
    if not reason.strip():
        raise invalid("reason", "state the lawful reason for the adjournment (CPL (2023) art. 149)")
    cap = spec_of(case.procedure).adjournments
    used = case.hearings.filter(status=HearingStatus.ADJOURNED).count()
    if used >= cap:
        raise invalid(
            "hearing",
            f"{case.get_procedure_display()}: at most {cap} adjournment(s) "
            f"({ADJOURN_BASIS}); {used} used",
        )
    old_day = timezone.localdate(hearing.starts_at)
    latest = add_months(old_day, 1, MonthRule.CIVIL)
    new_day = _check_hearing_day(new_starts_at, summoned_on or today())
    if new_day > latest:
        raise invalid(
            "new_starts_at",
            f"the new hearing must be by {latest}, one month after {old_day} ({ADJOURN_BASIS})",
        )
    with transaction.atomic():
        hearing.status, hearing.adjourn_reason = HearingStatus.ADJOURNED, reason.strip()
        hearing.save(update_fields=["status", "adjourn_reason"])
        new = Hearing.objects.create(
            case=case,
            starts_at=new_starts_at,
            room=hearing.room,
            summoned_on=summoned_on or today(),
            public=hearing.public,
            seats=hearing.seats,
        )
        dossier_generate(actor=actor, case=case, template="summons", context={"hearing": new})
        tell_parties(
            case,
            f"延期开庭 Adjourned to {timezone.localtime(new_starts_at):%Y-%m-%d %H:%M}",
            reason,
            ADJOURN_BASIS,
        )
        audit(
            actor=actor,
            action="hearing.adjourn",
            subject=hearing,
            new={"to": new.pk},
            reason=reason,
        )
    return new


def hearing_hold(*, actor: Any, hearing: Hearing, on: date | None = None) -> Hearing:
    """The hearing took place: the case goes to deliberation."""
    case = hearing.case
    require_panel(actor, case)
    if hearing.status != HearingStatus.SCHEDULED:
        raise invalid("hearing", "only a scheduled hearing can be held")
    day = on or timezone.localdate(hearing.starts_at)
    if day < timezone.localdate(hearing.starts_at):
        raise invalid("on", "a hearing cannot be held before its scheduled day")
    with transaction.atomic():
        hearing.status = HearingStatus.HELD
        hearing.save(update_fields=["status"])
        _move(actor, case, "deliberation", day, "已开庭 hearing held")
        audit(actor=actor, action="hearing.hold", subject=hearing)
    return hearing


def judgment_issue(
    *, actor: Any, case: CourtCase, outcome: str, on: date | None = None
) -> CourtCase:
    """裁判: never before a hearing; the trial limit stops (结案, SPC-2000 art. 10)."""
    require_panel(actor, case)
    if not case.hearings.filter(status=HearingStatus.HELD).exists():
        raise invalid(
            "stage", "no hearing has been held: a judgment cannot come before the hearing"
        )
    _expect_stage(case, "deliberation")
    if not outcome.strip():
        raise invalid("outcome", "state the outcome (判决/裁定/调解/撤诉 …)")
    day = on or today()
    with transaction.atomic():
        _move(actor, case, "judged", day, outcome)
        overall = overall_clock(case)
        if overall is not None:
            clock_stop(
                actor=actor,
                clock=overall,
                on=max(day, overall.started_on),
                reason="结案 closed by judgment",
            )
        case.judged_on, case.outcome = day, outcome.strip()[:64]
        case.save(update_fields=["judged_on", "outcome"])
        dossier_generate(actor=actor, case=case, template="judgment")
        tell_parties(case, f"已宣判 Judgment given on {day}", outcome, "SPC-2000 art. 10")
        audit(
            actor=actor, action="judgment.issue", subject=case, new={"judged_on": day.isoformat()}
        )
    return case


def judgment_serve(*, actor: Any, case: CourtCase, on: date | None = None) -> CourtCase:
    """The judgment is served on the (last) party: the appeal period starts, or, where no
    appeal lies (second instance), the file goes to archiving."""
    require_change(actor, case.matter)
    _expect_stage(case, "judged")
    day = on or today()
    appealable = spec_of(case.procedure).instance in ("first", "retrial")
    with transaction.atomic():
        _move(
            actor, case, "appeal_period" if appealable else "archive", day, "裁判文书已送达 served"
        )
        case.judgment_served_on = day
        case.save(update_fields=["judgment_served_on"])
        dossier_generate(
            actor=actor,
            case=case,
            template="service_record",
            context={"document": "裁判文书 judgment", "served_on": day},
        )
        if case.matter.enterprise_related:
            from zhengfa.courts.workflow.enterprise import target_stop

            target_stop(actor=actor, matter=case.matter, step="service", on=day)
    return case


def case_archive(*, actor: Any, case: CourtCase, on: date | None = None) -> CourtCase:
    """Archive: from the end of the appeal period (no appeal), or after the transfer."""
    require_change(actor, case.matter)
    with transaction.atomic():
        if case.matter.stage == "appeal_period":
            clock = case.matter.clocks.filter(purpose="stage:appeal_period").first()
            day = on or today()
            if clock is not None and day <= clock.due_on:
                raise invalid("on", f"the appeal period runs until {clock.due_on}")
            _move(actor, case, "archive", day, "上诉期满未上诉 no appeal")
        _expect_stage(case, "archive")
        day = on or today()
        _move(actor, case, "archived", day, "归档 archived")
        case.archived_on = day
        case.save(update_fields=["archived_on"])
        audit(actor=actor, action="case.archive", subject=case)
    return case


def case_convert(*, actor: Any, case: CourtCase, reason: str, on: date | None = None) -> CourtCase:
    """Simple (or small-claims, summary, fast-track) to ordinary procedure. Civil and
    administrative cases keep counting from the original registration; criminal ones
    restart from the conversion decision."""
    require_panel(actor, case)
    if case.procedure not in CONVERSIONS:
        raise invalid(
            "procedure",
            f"{case.get_procedure_display()} cannot be converted; "
            f"accepted: {', '.join(CONVERSIONS)}",
        )
    if not reason.strip():
        raise invalid("reason", "state why the case needs ordinary procedure")
    if case.judged_on is not None:
        raise invalid("stage", "the case is closed")
    day = on or today()
    target, rule = CONVERSIONS[case.procedure]
    basis = CONVERSION_BASIS[case.category]
    start = day if case.category == "criminal" else case.original_filed_on
    with transaction.atomic():
        old = overall_clock(case)
        if old is not None:
            clock_stop(
                actor=actor,
                clock=old,
                on=max(day, old.started_on),
                reason=f"转换程序 converted: {reason}",
            )
        new = clock_start(
            actor=actor,
            matter=case.matter,
            purpose="overall",
            label=f"审限 {rule}",
            rule=rule,
            on=start,
            legal_basis=basis,
        )
        previous = case.procedure
        case.procedure, case.converted_on = target, day
        case.weight = spec_of(target).weight
        case.save(update_fields=["procedure", "converted_on", "weight"])
        tell_parties(
            case,
            f"转为普通程序 Converted to ordinary procedure; limit due {new.due_on}",
            reason,
            basis,
        )
        audit(
            actor=actor,
            action="case.convert",
            subject=case,
            old={"procedure": previous},
            new={"procedure": target, "due_on": new.due_on.isoformat()},
            reason=reason,
        )
    return case
