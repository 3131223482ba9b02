"""警情分流: reports that are not police business go where they belong.

Rules an admin edits (``TriageRule``) divert a report to a department among the N, to the
public service hotline, or to mediation (it arrives in the disputes module as a dispute,
with the report's history). The diversion records the rule that fired and what the caller
was told; the receiving unit's clock starts at once. A receiving unit that finds the matter
is police business after all returns it: a police incident opens and the return counts.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from zhengfa.flow.common import invalid, legal_day, now
from zhengfa.flow.models import Matter
from zhengfa.flow.notices import notify
from zhengfa.flow.services.clockops import clock_start
from zhengfa.flow.services.matters import matter_move, matter_open
from zhengfa.org.models import Grid, Unit
from zhengfa.org.roles import Role
from zhengfa.police.flows import RECEIVERS, REFERRAL_KIND
from zhengfa.police.models import (
    LOCAL_TARGET,
    Category,
    Disposition,
    Incident,
    Priority,
    Referral,
    TargetKind,
    TriageRule,
    rule_problems,
)
from zhengfa.police.services.common import record, require_role
from zhengfa.police.services.intake import Report, open_incident

RULE_FIELDS = ("name", "order", "category", "keywords", "target", "unit_code", "reply_hours")


def match_rule(category: str, description: str) -> TriageRule | None:
    """The first active rule (by order) whose category fits and one of whose keywords
    occurs in the description; None means police business."""
    for rule in TriageRule.objects.filter(active=True):
        if rule.category and rule.category != category:
            continue
        if any(word in description for word in rule.keyword_list()):
            return rule
    return None


def triage_rule_save(*, actor: Any, rule: TriageRule | None = None, **fields: Any) -> TriageRule:
    """Create or change a triage rule (platform admins); a rule naming a unit that does not
    exist, or a police unit, is refused."""
    require_role(actor, (Role.PLATFORM_ADMIN,), "edit triage rules")
    unknown = set(fields) - {*RULE_FIELDS, "dispute_category", "active"}
    if unknown:
        raise invalid(sorted(unknown)[0], f"accepted fields: {', '.join(RULE_FIELDS)}")
    target = rule or TriageRule()
    old = {f: getattr(target, f) for f in RULE_FIELDS} if rule else {}
    for name, value in fields.items():
        setattr(target, name, value)
    problems = rule_problems(
        target.target, target.unit_code, target.keyword_list(), target.dispute_category
    )
    if problems:
        field, message = next(iter(problems.items()))
        raise invalid(field, message)
    with transaction.atomic():
        target.save()
        record(
            actor=actor,
            action="triage_rule.save",
            subject=target,
            old=old,
            new={f: getattr(target, f) for f in RULE_FIELDS},
        )
    return target


def divert(*, actor: Any, report: Report, grid: Grid, rule: TriageRule, at: datetime) -> Incident:
    """The report as the receiving unit's matter (caller's transaction)."""
    if rule.target == TargetKind.MEDIATION:
        matter, unit = _to_mediation(actor, report, grid, rule, at), None
        told = f"您反映的情况属于矛盾纠纷,已转至{matter.unit.name}调解,编号{matter.pk}。"
    else:
        unit = _receiving_unit(rule)
        matter = _open_referral(actor, report, grid, rule, unit, at)
        told = f"您反映的情况不属于警务事项,已转至{unit.name}办理,编号{matter.pk}。"
    incident = Incident.objects.create(
        matter=matter,
        channel=report.channel,
        received_at=at,
        category=report.category,
        priority=Priority.NORMAL,
        area=_area(grid),
        description=report.description.strip(),
        lon=report.lon,
        lat=report.lat,
        grid=grid,
        beat=grid.beat,  # type: ignore[misc]  # grid_at refuses grids without a beat
        disposition=Disposition.DIVERTED,
        reported_by=actor,
    )
    Referral.objects.create(
        matter=matter,
        incident=incident,
        rule=rule,
        rule_label=str(rule)[:120],
        target=rule.target,
        unit=unit,
        caller_message=told,
        diverted_at=at,
    )
    if actor.role == Role.CITIZEN:
        notify([actor], "警情分流 Your report was passed on", told, matter)
    record(
        actor=actor,
        action="incident.divert",
        subject=incident,
        new={"rule": rule.pk, "rule_label": str(rule), "target": rule.target, "told": told},
    )
    return incident


def _area(grid: Grid) -> str:
    from zhengfa.police.places import area_of

    return area_of(grid)


def _receiving_unit(rule: TriageRule) -> Unit:
    unit = Unit.objects.filter(code=rule.unit_code).first()
    if unit is None:  # the unit was removed after the rule was saved
        raise invalid("unit_code", f"rule {rule} diverts to unit {rule.unit_code!r}, which is gone")
    return unit


def _open_referral(
    actor: Any, report: Report, grid: Grid, rule: TriageRule, unit: Unit, at: datetime
) -> Matter:
    matter = matter_open(
        actor=None,  # the triage rule decides; the audit row names the reporting actor
        kind=REFERRAL_KIND,
        title=f"{Category(report.category).label}: {report.description}"[:200],
        region_code=grid.region_id,
        unit=unit,
        grid=grid,
        on=legal_day(at),
        participants=[actor] if actor.role == Role.CITIZEN else [],
    )
    clock_start(
        actor=actor,
        matter=matter,
        purpose="stage:handling",
        label="分流承办 Handling a diverted report",
        period=(rule.reply_hours, "hours"),
        at=at,
        on=legal_day(at),
        legal_basis=f"{LOCAL_TARGET}; 分流规则 {rule}",
    )
    return matter


def _to_mediation(actor: Any, report: Report, grid: Grid, rule: TriageRule, at: datetime) -> Matter:
    from zhengfa.disputes.models import Channel
    from zhengfa.disputes.services.intake import dispute_report

    received = timezone.localtime(at).strftime("%Y-%m-%d %H:%M")
    history = (
        f"{report.description.strip()}\n\n[警情分流] {received} 经"
        f"{'110电话' if report.channel == 'call' else '网上报警'}接报,"
        f"按分流规则「{rule}」转调解。"
    )
    channel = Channel.PORTAL if actor.role == Role.CITIZEN else Channel.POLICE
    dispute = dispute_report(
        actor=actor,
        category=rule.dispute_category,
        severity="general",
        description=history,
        grid_code=grid.code,
        lon=report.lon,
        lat=report.lat,
        channel=channel,
        title=f"[警情分流] {report.description}"[:200],
    )
    return dispute.matter


def referral_close(*, actor: Any, referral: Referral, outcome: str) -> Referral:
    """The receiving unit has handled the diverted report."""
    return _finish(actor, referral, "closed", outcome=outcome)


def referral_return(*, actor: Any, referral: Referral, reason: str) -> Incident:
    """The receiving unit finds it is police business: a police incident opens (counted)."""
    incident = referral.incident
    with transaction.atomic():
        _finish(actor, referral, "returned", reason=reason)
        report = Report(
            channel=incident.channel,
            category=Category.PUBLIC_ORDER
            if incident.category == Category.NON_POLICE
            else incident.category,
            description=incident.description,
            lon=incident.lon,
            lat=incident.lat,
        )
        return open_incident(
            actor=actor,  # the receiving unit's liaison hands it back
            report=report,
            grid=incident.grid,
            priority=Priority.HIGH,
            at=now(),
            returned_from=referral,
        )


def _finish(
    actor: Any, referral: Referral, stage: str, outcome: str = "", reason: str = ""
) -> Referral:
    require_role(actor, RECEIVERS, "finish a diverted report")
    text = (outcome or reason).strip()
    if not text:
        raise invalid("outcome" if stage == "closed" else "reason", "a short text is required")
    if referral.target == TargetKind.MEDIATION:
        raise invalid("referral", "a mediation referral is finished in the disputes module")
    with transaction.atomic():
        matter = referral.matter
        matter_move(actor=actor, matter=matter, to_stage=stage, version=matter.version, note=text)
        at = now()
        changes: dict[str, Any] = (
            {"closed_at": at, "outcome": text}
            if stage == "closed"
            else {"returned_at": at, "return_reason": text[:300]}
        )
        Referral.objects.filter(pk=referral.pk).update(**changes)
        for name, value in changes.items():
            setattr(referral, name, value)
        record(actor=actor, action=f"referral.{stage}", subject=referral, new={"text": text})
    return referral
