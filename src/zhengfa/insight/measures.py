"""The measures the count tables hold, with what each one counts.

Daily measures count events on a legal (Beijing) day; snapshot measures count the matters
open now. Sources: a matter is closed within its limit when ``closed_at`` is at or before
its limit (``limit_at``, below: the due instant its clocks computed, 审限/办理期限);
mediation succeeds when the outcome
is a full agreement (达成协议, 人民调解法 art. 28); a service item is done within its
promise when the portal recorded ``within_limit`` at the end (承诺时限); the eight major
criminal case types are those of 刑法 art. 17(2) (``police.models.MAJOR_TYPES``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, DateTimeField, F, OuterRef, Q, Subquery, When
from django.db.models.functions import Coalesce
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from zhengfa.flow.models import Clock

OVERALL = "overall"  # the whole-matter limit's clock (审限), flow's purpose code


@dataclass(frozen=True)
class DailyMeasure:
    day: str  # the MatterFact date column that places the event
    condition: Q
    label: Promise


DAILY_MEASURES: dict[str, DailyMeasure] = {
    "opened": DailyMeasure("opened_on", Q(), _("新收 opened")),
    "closed": DailyMeasure("closed_on", Q(closed_on__isnull=False), _("办结 closed")),
    "closed_with_limit": DailyMeasure(
        "closed_on", Q(closed_in_limit__isnull=False), _("有期限的办结 closed with a limit")
    ),
    "closed_in_limit": DailyMeasure(
        "closed_on", Q(closed_in_limit=True), _("期限内办结 closed within the limit")
    ),
    "mediated": DailyMeasure(
        "mediated_on", Q(mediated_on__isnull=False), _("调解终结 mediations ended")
    ),
    "mediation_success": DailyMeasure(
        "mediated_on",
        Q(mediated_on__isnull=False, mediation_success=True),
        _("调解成功 mediations with agreement"),
    ),
    "service_done": DailyMeasure(
        "service_done_on", Q(service_done_on__isnull=False), _("办结事项 service items done")
    ),
    "service_within": DailyMeasure(
        "service_done_on",
        Q(service_done_on__isnull=False, service_within=True),
        _("承诺时限内办结 done within the promise"),
    ),
    "crime_registered": DailyMeasure(
        "crime_registered_on", Q(crime_registered_on__isnull=False), _("刑事立案 criminal cases")
    ),
    "major_registered": DailyMeasure(
        "crime_registered_on",
        Q(crime_registered_on__isnull=False, crime_major=True),
        _("八类案件立案 major cases registered"),
    ),
    "major_solved": DailyMeasure(
        "crime_solved_on",
        Q(crime_solved_on__isnull=False, crime_major=True),
        _("八类案件破案 major cases cleared"),
    ),
}

SNAPSHOT_MEASURES: dict[str, Promise] = {
    "open": _("在办 open now"),
    "overdue": _("超期 overdue now"),  # open, not paused, due date before today
    "paused": _("中止 paused now"),
}

MEASURES: tuple[str, ...] = (*DAILY_MEASURES, *SNAPSHOT_MEASURES)


def _overall_due_at() -> Subquery:
    """The due instant of the matter's latest ``overall`` clock (a transfer stops one and
    starts another; the latest is the one that applied at the end)."""
    overall = Clock.objects.filter(matter=OuterRef("pk"), purpose=OVERALL).order_by("-pk")
    return Subquery(overall.values("due_at")[:1], output_field=DateTimeField())


def limit_at() -> Case:
    """The due instant of a matter's limit, as an expression over ``Matter`` — the one
    definition the dashboards' count tables and the responsibility indicators share.

    Flow keeps ``Matter.due_at`` at the earliest *running* clock, so a closed matter has
    none; its limit is the one that applied when it closed: the overall clock's due
    instant, which stopping leaves as it was (``flow.services.clockops.stop_rows``) and
    which already holds every extension, deduction and suspension (延长/扣除/中止, each
    recomputed by ``zhengfa.clock``). A closed matter without an overall clock (a domain
    that keeps its own ``due_at``) falls back to ``due_at``. An open matter's limit is its
    ``due_at``; while every clock is paused it has none, and the overall clock stands in.
    """
    overall = _overall_due_at()
    return Case(
        When(closed_at__isnull=False, then=Coalesce(overall, F("due_at"))),
        default=Coalesce(F("due_at"), overall),
        output_field=DateTimeField(),
    )
