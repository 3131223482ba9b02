"""Reads for presidents, the public and case pages. Every staff read goes through the flow
engine's scoping (``Matter.objects.for_user``); public reads show natural persons' names
masked and need the case number plus its verification code.

Supervision (审判管理): per judge and per division, over cases registered in a period —
closed, closed within the limit (审限内结案率), average days from registration to closing,
open and overdue, extensions granted. ``serious_overdue`` (严重超审限) is this platform's
internal threshold — more than SERIOUS_DAYS past the limit — since no statute defines it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, F, Q, QuerySet

from zhengfa.courts.models import (
    CourtCase,
    Filing,
    FilingStatus,
    Hearing,
    HearingStatus,
    Listing,
    ListingStatus,
    Objection,
)
from zhengfa.courts.workflow.common import code_hash
from zhengfa.flow.models import Approval, Clock, ClockEvent, ClockEventKind, Holding, Matter
from zhengfa.flow.selectors import approval_inbox
from zhengfa.org.roles import Role

SERIOUS_DAYS = 180


def cases_for(user: Any) -> QuerySet[CourtCase]:
    return CourtCase.objects.filter(matter__in=Matter.objects.for_user(user).values("pk"))


def case_for(user: Any, pk: int) -> CourtCase:
    from django.http import Http404

    found = (
        cases_for(user)
        .select_related("matter", "matter__unit", "matter__owner", "cause", "division")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404("No case matches the given query.")
    return found


@dataclass
class Row:
    label: str
    registered: int = 0
    closed: int = 0
    closed_in_time: int = 0
    days_total: int = 0
    open_overdue: int = 0
    serious: int = 0
    extensions: int = 0

    @property
    def rate(self) -> float | None:
        return round(100 * self.closed_in_time / self.closed, 1) if self.closed else None

    @property
    def average_days(self) -> float | None:
        return round(self.days_total / self.closed, 1) if self.closed else None


@dataclass
class Supervision:
    start: date
    end: date
    as_of: date
    total: Row
    by_judge: list[Row] = field(default_factory=list)
    by_division: list[Row] = field(default_factory=list)


def _overall_due(case_ids: list[int]) -> dict[int, date]:
    """Each case's trial-limit due date: its latest overall clock (a conversion starts a
    new one)."""
    due: dict[int, date] = {}
    for matter_id, due_on in (
        Clock.objects.filter(matter_id__in=case_ids, purpose="overall")
        .order_by("pk")
        .values_list("matter_id", "due_on")
    ):
        due[matter_id] = due_on
    return due


def supervision(user: Any, start: date, end: date, as_of: date) -> Supervision:
    """The president's figures for cases registered from ``start`` to ``end``."""
    cases = list(
        cases_for(user)
        .filter(filed_on__range=(start, end))
        .values(
            "pk",
            "filed_on",
            "judged_on",
            "matter__owner__full_name",
            "matter__owner__username",
            "division__name",
        )
    )
    ids = [c["pk"] for c in cases]
    due = _overall_due(ids)
    extended = dict(
        ClockEvent.objects.filter(
            clock__matter_id__in=ids, clock__purpose="overall", kind=ClockEventKind.EXTEND
        )
        .values_list("clock__matter_id")
        .annotate(n=Count("pk"))
    )
    total = Row("合计 Total")
    judges: dict[str, Row] = {}
    divisions: dict[str, Row] = {}
    for case in cases:
        judge = (
            case["matter__owner__full_name"]
            or case["matter__owner__username"]
            or "未分案 unassigned"
        )
        division = case["division__name"] or "未分案 unassigned"
        rows = (
            total,
            judges.setdefault(judge, Row(judge)),
            divisions.setdefault(division, Row(division)),
        )
        for row in rows:
            _count(row, case, due.get(case["pk"]), extended.get(case["pk"], 0), as_of)
    return Supervision(
        start,
        end,
        as_of,
        total,
        sorted(judges.values(), key=lambda r: r.label),
        sorted(divisions.values(), key=lambda r: r.label),
    )


def _count(row: Row, case: Any, due: date | None, extensions: int, as_of: date) -> None:
    row.registered += 1
    row.extensions += extensions
    judged = case["judged_on"]
    if judged is not None:
        row.closed += 1
        row.days_total += (judged - case["filed_on"]).days
        row.closed_in_time += due is None or judged <= due
    elif due is not None and due < as_of:
        row.open_overdue += 1
        row.serious += (as_of - due).days > SERIOUS_DAYS


@dataclass
class OverdueCase:
    case: CourtCase
    due_on: date
    days_over: int
    serious: bool
    holders: list[Holding]


def overdue_cases(user: Any, as_of: date) -> list[OverdueCase]:
    """超审限 and 严重超审限: open cases past their limit (or closed after it), with the people
    who held each and since when (the timeline that explains it is on the case page)."""
    cases = list(cases_for(user).select_related("matter", "matter__owner", "division"))
    due = _overall_due([c.pk for c in cases])
    found = []
    for case in cases:
        limit = due.get(case.pk)
        end = case.judged_on or as_of
        if limit is None or end <= limit:
            continue
        holders = list(Holding.objects.filter(matter_id=case.pk).select_related("holder"))
        found.append(
            OverdueCase(case, limit, (end - limit).days, (end - limit).days > SERIOUS_DAYS, holders)
        )
    return sorted(found, key=lambda o: -o.days_over)


@dataclass
class LateTransfer:
    case: CourtCase
    due_on: date
    sent_on: date | None
    days_late: int
    holder: str


def late_transfers(user: Any, as_of: date) -> list[LateTransfer]:
    """超期移送: transfer clocks stopped after (or still running past) their due date."""
    clocks = (
        Clock.objects.filter(matter__in=cases_for(user).values("pk"), purpose="stage:transfer")
        .filter(Q(state="stopped", stopped_at__isnull=False) | ~Q(state="stopped"))
        .select_related("holder")
    )
    found = []
    for clock in clocks:
        stop = ClockEvent.objects.filter(clock=clock, kind=ClockEventKind.STOP).first()
        sent = stop.on if stop else None
        end = sent or as_of
        if end > clock.due_on:
            case = CourtCase.objects.select_related("matter", "matter__unit").get(
                pk=clock.matter_id
            )
            found.append(
                LateTransfer(
                    case, clock.due_on, sent, (end - clock.due_on).days, str(clock.holder or "—")
                )
            )
    return found


def enterprise_board(user: Any) -> QuerySet[CourtCase]:
    return (
        cases_for(user)
        .filter(matter__enterprise_related=True, matter__status="open")
        .select_related("matter", "matter__owner")
        .order_by("matter__due_at")
    )


def screening_queue(user: Any) -> QuerySet[Listing]:
    return Listing.objects.filter(
        case__in=cases_for(user), status=ListingStatus.SCREENING
    ).select_related("case", "removal_clock")


def objections_for(user: Any) -> QuerySet[Objection]:
    return (
        Objection.objects.filter(case__in=cases_for(user))
        .select_related("case", "author")
        .order_by("-created_at")
    )


def public_case(number: str, code: str) -> CourtCase | None:
    """The case for the public progress page: the number and its code must both match."""
    found = (
        CourtCase.objects.filter(number=number.strip())
        .select_related("matter", "matter__unit")
        .first()
    )
    if found is None or found.verify_hash != code_hash(code):
        return None  # the same answer for a wrong number and a wrong code
    return found


def hearing_calendar(on_or_after: date) -> QuerySet[Hearing]:
    return (
        Hearing.objects.filter(
            public=True, status=HearingStatus.SCHEDULED, starts_at__date__gte=on_or_after
        )
        .select_related("case", "case__matter__unit", "case__cause")
        .annotate(taken=Count("reservations"))
        .annotate(free=F("seats") - F("taken"))
        .order_by("starts_at")
    )


def by_stage(cases: QuerySet[CourtCase]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for stage in cases.values_list("matter__stage", flat=True):
        counts[stage] += 1
    return dict(counts)


# ── Reads for the pages ──────────────────────────────────────────────────────────────


def filings_for(user: Any) -> QuerySet[Filing]:
    """Filings in the user's scope: a court's registry sees its court's, a citizen their own
    (the filer is a participant of the filing matter)."""
    return Filing.objects.filter(matter__in=Matter.objects.for_user(user).values("pk"))


def filing_for(user: Any, pk: int) -> Filing:
    from django.http import Http404

    found = filings_for(user).select_related("matter", "court", "cause").filter(pk=pk).first()
    if found is None:
        raise Http404("No filing matches the given query.")
    return found


def filing_queue(user: Any) -> QuerySet[Filing]:
    """The registry's queue: filings under review or waiting for material, oldest due first."""
    return (
        filings_for(user)
        .filter(status__in=(FilingStatus.REVIEW, FilingStatus.MATERIAL))
        .select_related("matter", "court", "cause")
        .order_by("matter__due_at", "pk")
    )


def appeals_to_receive(user: Any) -> QuerySet[CourtCase]:
    """Appeal files transferred up to the user's court (a higher court's registry) and not
    yet registered there. The higher court sees the lower court's case for this only."""
    if getattr(user, "role", None) != Role.COURT_REGISTRAR or not getattr(user, "unit_id", None):
        return CourtCase.objects.none()
    return (
        CourtCase.objects.filter(
            matter__unit__parent_id=user.unit_id,
            matter__stage__in=("archive", "archived"),
            matter__clocks__purpose="stage:transfer",
            matter__clocks__state="stopped",
            appeals__isnull=True,
        )
        .select_related("matter", "matter__unit")
        .distinct()
        .order_by("pk")
    )


def court_approvals(user: Any) -> list[Approval]:
    """The flow approval inbox, restricted to requests on court cases (the trial limits)."""
    inbox = approval_inbox(user)
    cases = {
        c.pk: c
        for c in CourtCase.objects.filter(pk__in=[a.matter_id for a in inbox]).select_related(
            "matter"
        )
    }
    for approval in inbox:
        approval.case = cases.get(approval.matter_id)  # type: ignore[attr-defined]
    return [a for a in inbox if a.matter_id in cases]


def listings_for(user: Any) -> QuerySet[Listing]:
    return (
        Listing.objects.filter(case__in=cases_for(user))
        .select_related("case", "person", "removal_clock")
        .order_by("status", "-listed_on", "pk")
    )
