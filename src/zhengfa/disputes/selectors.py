"""Reads of the disputes app, always scoped through the matter (``for_user``).

Petitions are read as matters: there is deliberately no read that lists, counts or
searches petitioners as persons.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from zhengfa.disputes.models import (
    AnalysisTask,
    Confirmation,
    ConfirmationStatus,
    Dispute,
    DisputeCategory,
    JointAnalysis,
    Petition,
)
from zhengfa.flow.common import now
from zhengfa.flow.models import MatterStatus
from zhengfa.flow.selectors import urgency
from zhengfa.org.scoping import Action

_RELATED = ("matter", "matter__unit", "matter__owner", "matter__grid", "category")


def categories() -> list[DisputeCategory]:
    return list(DisputeCategory.objects.filter(active=True))


def disputes_for(user: Any, *, open_only: bool = False, limit: int = 200) -> list[Dispute]:
    found = Dispute.objects.for_user(user).select_related(*_RELATED)
    if open_only:
        found = found.filter(matter__status=MatterStatus.OPEN)
    return list(found.order_by("-reported_at", "-pk")[:limit])


def dispute_for(user: Any, pk: int, action: Action = "view") -> Dispute:
    found = Dispute.objects.for_user(user, action).select_related(*_RELATED).filter(pk=pk).first()
    if found is None:
        raise Http404("No dispute matches the given query.")
    return found  # type: ignore[no-any-return]


def confirmations_for(user: Any, *, pending: bool = False) -> list[Confirmation]:
    found = Confirmation.objects.for_user(user).select_related("dispute__matter", "court")
    if pending:
        found = found.filter(status__in=(ConfirmationStatus.APPLIED, ConfirmationStatus.ACCEPTED))
    return list(found.order_by("applied_at", "pk"))


def confirmation_for(user: Any, pk: int) -> Confirmation:
    found = Confirmation.objects.for_user(user).select_related("dispute__matter", "court")
    row = found.filter(pk=pk).first()
    if row is None:
        raise Http404("No confirmation matches the given query.")
    return row  # type: ignore[no-any-return]


def task_for(user: Any, pk: int) -> AnalysisTask:
    row = AnalysisTask.objects.for_user(user).select_related("matter", "matter__unit")
    found = row.filter(pk=pk).first()
    if found is None:
        raise Http404("No task matches the given query.")
    return found  # type: ignore[no-any-return]


def petition_for(user: Any, pk: int) -> Petition:
    row = Petition.objects.for_user(user).select_related("matter", "matter__unit", "leader")
    found = row.filter(pk=pk).first()
    if found is None:
        raise Http404("No petition matches the given query.")
    return found  # type: ignore[no-any-return]


def petition_owner(petition: Petition) -> Any:
    """The leader who took the case (包案) until it closes, else the handler."""
    if petition.leader_id and petition.matter.status == MatterStatus.OPEN:
        return petition.leader
    return petition.matter.owner


@dataclass(frozen=True)
class LedgerRow:
    """One open dispute on the risk ledger (一本账): no personal data, an owner always."""

    matter_id: int
    title: str
    category: str
    severity: str
    region_code: str
    grid_code: str | None
    unit: str
    owner: str | None
    opened_at: datetime
    age_days: int
    due_at: datetime | None
    urgency: str


def open_disputes_for_ledger(
    region_code_prefix: str, *, user: Any = None, at: datetime | None = None
) -> list[LedgerRow]:
    """Open disputes under a region (grid, township, county), oldest first, for the risk
    ledger. With ``user`` the rows are limited to that user's jurisdiction."""
    moment = at or now()
    found: QuerySet[Dispute] = (
        Dispute.objects.for_user(user) if user is not None else Dispute.objects.all()
    )
    rows = found.filter(
        matter__status=MatterStatus.OPEN, matter__region__code__startswith=region_code_prefix
    ).select_related(*_RELATED)
    return [_ledger_row(d, moment) for d in rows.order_by("matter__opened_at", "pk")]


def _ledger_row(dispute: Dispute, at: datetime) -> LedgerRow:
    matter = dispute.matter
    return LedgerRow(
        matter_id=matter.pk,
        title=matter.title,
        category=dispute.category.name,
        severity=dispute.severity,
        region_code=matter.region_id,
        grid_code=matter.grid.code if matter.grid else None,
        unit=matter.unit.name,
        owner=str(matter.owner) if matter.owner else None,
        opened_at=matter.opened_at,
        age_days=(at - matter.opened_at).days,
        due_at=matter.due_at,
        urgency=urgency(matter, at),
    )


def petitions_for(user: Any, *, limit: int = 200) -> list[Petition]:
    """The petitions (matters) in the user's jurisdiction, newest first: receipt number,
    stage, unit and owner — never the petitioners as persons."""
    rows = Petition.objects.for_user(user).select_related(
        "matter", "matter__unit", "matter__owner", "leader"
    )
    return list(rows.order_by("-received_on", "-pk")[:limit])


def analyses_for(user: Any, *, limit: int = 100) -> list[JointAnalysis]:
    return list(JointAnalysis.objects.for_user(user).select_related("centre")[:limit])


def analysis_for(user: Any, pk: int) -> JointAnalysis:
    found = JointAnalysis.objects.for_user(user).select_related("centre").filter(pk=pk).first()
    if found is None:
        raise Http404("No joint analysis matches the given query.")
    return found  # type: ignore[no-any-return]


def tasks_of(user: Any, analysis: JointAnalysis) -> list[AnalysisTask]:
    """The analysis's tasks the user may see (the centre all, a department its own)."""
    rows = AnalysisTask.objects.for_user(user).filter(analysis=analysis)
    return list(rows.select_related("matter", "matter__unit").prefetch_related("replies"))
