"""Writes for trend alerts: the weekly detection run, an alert turned into a task list, the
report subscription, and the weekly e-mail (once per subscriber and week)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from zhengfa.audit.services import audit_record
from zhengfa.disputes.models import JointAnalysis
from zhengfa.disputes.services.analysis import CONVENERS, TaskInput, analysis_convene
from zhengfa.flow.common import invalid, now
from zhengfa.insight.alerts import selectors
from zhengfa.insight.alerts.mail import weekly_message
from zhengfa.insight.alerts.models import (
    AlertTaskList,
    AttachmentFormat,
    DetectionRun,
    ReportDelivery,
    ReportSubscription,
    TrendAlert,
)
from zhengfa.insight.alerts.selectors import SeriesKey
from zhengfa.insight.counts import WeeklyCounts
from zhengfa.insight.refresh import refresh
from zhengfa.insight.trends import (
    Alert,
    DetectorSettings,
    InsufficientHistory,
    baseline_for,
    detect,
)
from zhengfa.insight.weeks import format_week, weeks_back
from zhengfa.org.roles import Role

REPORT_HOUR = 7  # the weekly report leaves on Monday from 07:00 (Asia/Shanghai)


def last_closed_week(at: datetime) -> date:
    """The Monday of the last ISO week that has ended by ``at`` (in Asia/Shanghai)."""
    day = timezone.localdate(at)
    return day - timedelta(days=day.weekday() + 7)


# --------------------------------------------------------------------------- detection


def history_start(week: date, settings: DetectorSettings) -> date:
    """The first week the detector can use for ``week``: ``years`` back plus the window."""
    return week - timedelta(weeks=weeks_back(week, settings.years) + settings.half_window)


def detection_run(
    *,
    week: date,
    settings: DetectorSettings | None = None,
    progress: Callable[[int], None] | None = None,
    on_total: Callable[[int], None] | None = None,
) -> tuple[DetectionRun, bool]:
    """Test ``week`` over every category × area series and store its alerts.

    Safe to re-run: a week already tested is returned as it is (``False``).
    """
    settings = settings or DetectorSettings()
    existing = DetectionRun.objects.filter(week=week).first()
    if existing is not None:
        return existing, False
    refresh()  # the count tables take in matters changed since the worker's last pass
    data = selectors.weekly_series(first=history_start(week, settings), last=week)
    if on_total is not None:
        on_total(len(data.series))
    try:
        with transaction.atomic():
            run = DetectionRun.objects.create(
                week=week, ran_at=now(), alpha=settings.alpha, control=str(settings.control)
            )
            if not data.series:
                run.note = "no matters opened in the weeks tested"
            else:
                _detect_into(run, data, settings, progress)
            # Derived data, rebuilt from the count tables like them: no audit row (as
            # flow's warnings); the actions taken on an alert are audited.
            run.save()
    except IntegrityError:  # another worker stored the same week first
        return DetectionRun.objects.get(week=week), False
    return run, True


def _detect_into(
    run: DetectionRun,
    data: WeeklyCounts,
    settings: DetectorSettings,
    progress: Callable[[int], None] | None,
) -> None:
    try:
        detection = detect(data, run.week, settings, progress=progress)
    except InsufficientHistory as error:
        run.note = str(error)[:300]
        return
    run.series_tested, run.level = detection.tested, detection.level
    baseline = baseline_for(data.weeks, len(data.weeks) - 1, settings).columns.tolist()
    keys = [SeriesKey.parse(a.series) for a in detection.alerts]
    places = selectors.places_of(keys)
    row_of = {name: i for i, name in enumerate(data.series)}
    TrendAlert.objects.bulk_create(
        _alert_row(run, alert, key, places[(key.level, key.code)], data, row_of, baseline)
        for alert, key in zip(detection.alerts, keys, strict=True)
    )


def _alert_row(
    run: DetectionRun,
    alert: Alert,
    key: SeriesKey,
    place: selectors.Place,
    data: WeeklyCounts,
    row_of: dict[str, int],
    baseline: list[int],
) -> TrendAlert:
    summary = alert.as_dict()
    return TrendAlert(
        run=run,
        week=run.week,
        category=key.category,
        area_level=key.level,
        area_code=key.code,
        area_name=place.name[:128],
        region_code=place.region_code,
        count=alert.count,
        expected=alert.expected,
        upper=alert.upper,
        p_value=alert.p_value,
        score=alert.score,
        level=alert.level,
        baseline=summary["baseline"],
        history={
            "first_week": format_week(data.weeks[0]),
            "counts": data.counts[row_of[alert.series]].tolist(),
            "baseline": baseline,
        },
        reason_zh=alert.reason_zh(),
        reason_en=alert.reason_en(),
    )


# --------------------------------------------------------------------------- task lists


def alert_tasks_issue(
    *, actor: Any, alert: TrendAlert, decision: str, tasks: Sequence[TaskInput]
) -> AlertTaskList:
    """Turn an alert into a task list: a joint analysis (联合研判) of the alert without
    disputes, whose tasks are flow ``task`` matters — one per unit, each with a deadline
    clock the sweeper warns on and escalates, and a written reply required."""
    if actor.role not in CONVENERS:
        raise PermissionDenied("a task list is issued by a governance centre or the commission")
    if not tasks:
        raise invalid("tasks", "name at least one unit: unit code | days | task")
    with transaction.atomic():
        analysis: JointAnalysis = analysis_convene(
            actor=actor,
            topic=_topic(alert),
            decision=decision,
            department_codes=(),  # the units concerned are the tasks' units
            tasks=tasks,
        )
        link = AlertTaskList.objects.create(
            alert=alert, analysis=analysis, issued_by=actor, issued_at=now()
        )
        audit_record(
            actor=actor,
            action="insight.alerts.tasks_issue",
            subject=link,
            new={"alert": alert.pk, "analysis": analysis.pk, "tasks": len(tasks)},
        )
    return link


def _topic(alert: TrendAlert) -> str:
    week = format_week(alert.week)
    return f"趋势预警 Trend alert: {alert.area_name} · {alert.category} · {week}"


# --------------------------------------------------------------------------- subscriptions


def subscription_save(
    *, actor: Any, email: str, language: str, attachment: str = ""
) -> ReportSubscription:
    """Subscribe ``actor`` to the weekly report, or change their subscription."""
    if actor.role == Role.CITIZEN:
        raise PermissionDenied("the weekly report is for staff")
    _check_subscription(email, language, attachment)
    with transaction.atomic():
        row, created = ReportSubscription.objects.update_or_create(
            user=actor,
            defaults={"email": email.strip(), "language": language, "attachment": attachment},
            create_defaults={
                "email": email.strip(),
                "language": language,
                "attachment": attachment,
                "created_at": now(),
            },
        )
        audit_record(
            actor=actor,
            action="insight.alerts.subscribe",
            subject=row,
            new={"language": language, "attachment": attachment, "created": created},
        )
    return row


def _check_subscription(email: str, language: str, attachment: str) -> None:
    try:
        validate_email(email.strip())
    except ValidationError:
        raise invalid("email", "accepted: an e-mail address such as name@example.org") from None
    languages = [code for code, _ in settings.LANGUAGES]
    if language not in languages:
        raise invalid("language", f"accepted: {', '.join(languages)}")
    if attachment not in AttachmentFormat.values:
        raise invalid("attachment", "accepted: empty, csv or xlsx")


def subscription_cancel(*, actor: Any) -> bool:
    with transaction.atomic():
        row = ReportSubscription.objects.filter(user=actor).first()
        if row is None:
            return False
        audit_record(actor=actor, action="insight.alerts.unsubscribe", subject=row)
        row.delete()
    return True


# --------------------------------------------------------------------------- weekly e-mail


@dataclass
class SendResult:
    sent: int = 0
    skipped: int = 0  # already sent for that week (another worker, or an earlier run)
    failed: int = 0


def weekly_reports_send(
    *,
    week: date,
    at: datetime | None = None,
    dry_run: bool = False,
    progress: Callable[[], None] | None = None,
) -> tuple[SendResult, list[ReportSubscription]]:
    """E-mail the report of ``week`` to every subscriber who has not had it yet."""
    at = at or now()
    refresh()  # the open and overdue figures are read from the count tables
    due = list(selectors.subscriptions_due(week))
    result = SendResult()
    for subscription in due:
        if not dry_run:
            outcome = weekly_report_send(subscription, week=week, at=at)
            setattr(result, outcome, getattr(result, outcome) + 1)
        if progress is not None:
            progress()
    return result, due


def weekly_report_send(subscription: ReportSubscription, *, week: date, at: datetime) -> str:
    """Send one report: the delivery row is claimed in the same transaction as the send, so
    a second sender meets the unique constraint and a failed send leaves no row."""
    figures = selectors.weekly_figures(subscription.user, week, at)
    try:
        with transaction.atomic():
            ReportDelivery.objects.create(
                subscription=subscription,
                week=week,
                sent_at=at,
                recipient=subscription.email,
                alerts=len(figures.alerts),
                open_matters=figures.open_matters,
                overdue_matters=figures.overdue_matters,
            )
            weekly_message(subscription, figures).send(fail_silently=False)
    except IntegrityError:
        return "skipped"
    except OSError:  # the mail server refused or is away: retried on the next pass
        return "failed"
    return "sent"


def weekly_after_sweep(at: datetime) -> object:
    """The worker's weekly steps: test the week that closed, then, from Monday 07:00, send
    its reports. Each is a no-op once done, so the sweeper may call this every pass."""
    week = last_closed_week(at)
    _, created = detection_run(week=week)
    too_early = timezone.localtime(at).hour < REPORT_HOUR and timezone.localdate(at).weekday() == 0
    if too_early or not selectors.subscriptions_due(week).exists():
        return {"detected": created}
    result, _ = weekly_reports_send(week=week, at=at)
    return {"detected": created, "sent": result.sent}
