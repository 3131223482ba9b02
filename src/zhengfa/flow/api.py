"""The flow engine's API: the workbench, matters, approvals and the inbox, all scoped.

Edits carry the version read (``If-Match`` or ``version``); a stale one answers 409
problem+json. Every write goes through a service function.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status

from zhengfa.api import ObjectId, api_user
from zhengfa.flow import selectors
from zhengfa.flow.common import now
from zhengfa.flow.models import Approval, Clock, Matter
from zhengfa.flow.services import approvals as approval_services
from zhengfa.flow.services.matters import matter_edit, matter_move

router = Router(tags=["flow"])


class MatterOut(Schema):
    id: int
    kind: str
    title: str
    stage: str
    status: str
    region: str
    unit: str
    owner: str | None
    due_on: date | None
    due_at: datetime | None
    urgency: str
    version: int
    enterprise_related: bool


def _matter_out(matter: Matter, at: datetime) -> MatterOut:
    return MatterOut(
        id=matter.pk,
        kind=matter.kind,
        title=matter.title,
        stage=matter.stage,
        status=matter.status,
        region=matter.region_id,
        unit=matter.unit.name,
        owner=str(matter.owner) if matter.owner else None,
        due_on=matter.due_on,
        due_at=matter.due_at,
        urgency=selectors.urgency(matter, at),
        version=matter.version,
        enterprise_related=matter.enterprise_related,
    )


class ClockOut(Schema):
    id: int
    purpose: str
    label: str
    rule: str
    state: str
    due_on: date
    due_at: datetime
    warnings: list[str]


class StepOut(Schema):
    zh: str
    en: str
    citation: str


class EventOut(Schema):
    at: datetime
    kind: str
    text: str
    basis: str
    actor: str


class MatterDetailOut(Schema):
    matter: MatterOut
    clocks: list[ClockOut]
    timeline: list[EventOut]
    explain: list[StepOut]


@router.get("/matters/mine", response=list[MatterOut])
def my_matters(request: HttpRequest) -> list[MatterOut]:
    at = now()
    return [_matter_out(m, at) for m in selectors.my_matters(api_user(request))]


@router.get("/matters/overdue", response=list[MatterOut])
def overdue_board(request: HttpRequest) -> list[MatterOut]:
    at = now()
    return [_matter_out(m, at) for m in selectors.overdue_board(api_user(request), at)]


@router.get("/matters/{matter_id}", response=MatterDetailOut)
def matter_detail(request: HttpRequest, response: HttpResponse, matter_id: ObjectId) -> Any:
    matter = selectors.matter_for(api_user(request), matter_id)
    clocks = selectors.clocks_of(matter)
    overall = next((c for c in clocks if c.purpose == "overall"), clocks[0] if clocks else None)
    response["ETag"] = f'"{matter.version}"'
    return MatterDetailOut(
        matter=_matter_out(matter, now()),
        clocks=[
            ClockOut(
                id=c.pk,
                purpose=c.purpose,
                label=c.label,
                rule=c.rule,
                state=c.state,
                due_on=c.due_on,
                due_at=c.due_at,
                warnings=c.calendar_warnings,
            )
            for c in clocks
        ],
        timeline=[EventOut(**vars(e)) for e in selectors.timeline(matter)],
        explain=[StepOut(**s) for s in selectors.explain(overall)] if overall else [],
    )


class MatterEditIn(Schema):
    version: int | None = None
    title: str | None = None
    enterprise_related: bool | None = None


def _version(request: HttpRequest, given: int | None) -> int:
    header = request.headers.get("If-Match", "").strip('W/"')
    if header.isdigit():
        return int(header)
    if given is None:
        from django.core.exceptions import ValidationError

        raise ValidationError({"version": "send the version read (If-Match header or field)"})
    return given


@router.patch("/matters/{matter_id}", response=MatterOut)
def matter_patch(request: HttpRequest, matter_id: ObjectId, payload: MatterEditIn) -> MatterOut:
    matter = selectors.matter_for(api_user(request), matter_id, "change")
    changes = payload.dict(exclude_none=True, exclude={"version"})
    matter_edit(
        actor=api_user(request),
        matter=matter,
        version=_version(request, payload.version),
        **changes,
    )
    return _matter_out(matter, now())


class MoveIn(Schema):
    to_stage: str
    version: int | None = None
    note: str = ""


@router.post("/matters/{matter_id}/move", response=MatterOut)
def matter_move_endpoint(request: HttpRequest, matter_id: ObjectId, payload: MoveIn) -> MatterOut:
    matter = selectors.matter_for(api_user(request), matter_id, "change")
    matter_move(
        actor=api_user(request),
        matter=matter,
        to_stage=payload.to_stage,
        version=_version(request, payload.version),
        note=payload.note,
    )
    return _matter_out(matter, now())


class ApprovalOut(Schema):
    id: int
    matter_id: int
    matter_title: str
    clock_id: int
    kind: str
    reason_code: str
    detail: str
    level: str
    status: str
    requested_by: str
    requested_at: datetime
    decision_note: str
    external_document: str


def _approval_out(a: Approval) -> ApprovalOut:
    return ApprovalOut(
        id=a.pk,
        matter_id=a.matter_id,
        matter_title=a.matter.title,
        clock_id=a.clock_id,
        kind=a.kind,
        reason_code=a.reason_code,
        detail=a.detail,
        level=a.level,
        status=a.status,
        requested_by=str(a.requested_by),
        requested_at=a.requested_at,
        decision_note=a.decision_note,
        external_document=a.external_document,
    )


@router.get("/approvals/inbox", response=list[ApprovalOut])
def approval_inbox(request: HttpRequest) -> list[ApprovalOut]:
    return [_approval_out(a) for a in selectors.approval_inbox(api_user(request))]


class ApprovalIn(Schema):
    kind: str
    reason_code: str
    detail: str
    amount: int | None = None
    unit: str = ""
    pause_from: date | None = None
    days: int | None = None


@router.post("/clocks/{clock_id}/approvals", response={201: ApprovalOut})
def approval_request(request: HttpRequest, clock_id: ObjectId, payload: ApprovalIn) -> Any:
    clock = _clock_for(api_user(request), clock_id)
    approval = approval_services.approval_request(
        actor=api_user(request), clock=clock, **payload.dict()
    )
    return Status(201, _approval_out(approval))


def _clock_for(user: Any, clock_id: int) -> Clock:
    found = (
        Clock.objects.select_related("matter", "matter__unit")
        .filter(pk=clock_id, matter__in=Matter.objects.for_user(user).values("pk"))
        .first()
    )
    if found is None:
        from django.http import Http404

        raise Http404("No clock matches the given query.")
    return found


class DecisionIn(Schema):
    decision: str
    note: str = ""


@router.post("/approvals/{approval_id}/decide", response=ApprovalOut)
def approval_decide(
    request: HttpRequest, approval_id: ObjectId, payload: DecisionIn
) -> ApprovalOut:
    approval = selectors.approvals_for(api_user(request), approval_id)
    decided = approval_services.approval_decide(
        actor=api_user(request), approval=approval, decision=payload.decision, note=payload.note
    )
    return _approval_out(decided)


class ForwardIn(Schema):
    note: str


@router.post("/approvals/{approval_id}/forward", response=ApprovalOut)
def approval_forward(
    request: HttpRequest, approval_id: ObjectId, payload: ForwardIn
) -> ApprovalOut:
    approval = selectors.approvals_for(api_user(request), approval_id)
    return _approval_out(
        approval_services.approval_forward(
            actor=api_user(request), approval=approval, note=payload.note
        )
    )


class ExternalIn(Schema):
    decision: str
    authority: str
    document: str
    decided_on: date
    note: str = ""


@router.post("/approvals/{approval_id}/external", response=ApprovalOut)
def approval_external(
    request: HttpRequest, approval_id: ObjectId, payload: ExternalIn
) -> ApprovalOut:
    approval = selectors.approvals_for(api_user(request), approval_id)
    return _approval_out(
        approval_services.approval_record_external(
            actor=api_user(request), approval=approval, **payload.dict()
        )
    )


class NoticeOut(Schema):
    id: int
    subject: str
    body: str
    matter_id: int | None
    created_at: datetime
    read: bool


@router.get("/notices", response=list[NoticeOut])
def notices(request: HttpRequest) -> list[NoticeOut]:
    return [
        NoticeOut(
            id=n.pk,
            subject=n.subject,
            body=n.body,
            matter_id=n.matter_id,
            created_at=n.created_at,
            read=n.read_at is not None,
        )
        for n in selectors.inbox(api_user(request))
    ]
