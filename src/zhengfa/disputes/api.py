"""/api/v1/disputes/: intake, routing, escalation, outcome, return visits, judicial
confirmation, task replies and petitions. Thin: every write is a service, every read a
selector scoped with ``for_user``; an object out of scope answers 404 like a missing one.
Files (photos, the signed agreement) travel as base64 in JSON."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from zhengfa.api import FileIn, ObjectId, api_user, base64_bytes
from zhengfa.disputes import selectors
from zhengfa.disputes.models import Confirmation, Dispute, Petition
from zhengfa.disputes.services import analysis, outcome, petitions, routing
from zhengfa.disputes.services.intake import OrganisationInput, PartyInput, dispute_report
from zhengfa.flow.common import now
from zhengfa.flow.photos import PhotoInput
from zhengfa.flow.selectors import urgency

router = Router(tags=["disputes"])


def _file(upload: FileIn | None, field: str) -> PhotoInput | None:
    if upload is None:
        return None
    return PhotoInput(upload.name, base64_bytes(upload.data, f"{field}.data"))


class CategoryOut(Schema):
    code: str
    name: str
    name_en: str


class PartyIn(Schema):
    name: str
    side: str = "applicant"
    id_number: str = ""
    phone: str = ""
    address: str = ""


class OrganisationIn(Schema):
    name: str
    credit_code: str = ""  # 统一社会信用代码 (GB 32100-2015), checked when given
    side: str = "respondent"


class ReportIn(Schema):
    category: str
    severity: str
    description: str
    channel: str = "grid"
    grid_code: str = ""
    lon: float | None = None
    lat: float | None = None
    amount: Decimal | None = None
    parties: list[PartyIn] = []
    organisations: list[OrganisationIn] = []
    photos: list[FileIn] = []


class DecisionOut(Schema):
    at: datetime
    rule: str
    way: str
    level: str
    department: str
    unit: str
    overridden: bool
    reason: str


class HopOut(Schema):
    at: datetime
    from_unit: str
    to_unit: str
    reason: str


class PartyOut(Schema):
    side: str
    name: str  # masked
    phone: str  # masked


class OrganisationOut(Schema):
    side: str
    name: str
    credit_code: str


class DisputeOut(Schema):
    id: int
    title: str
    category: str
    severity: str
    channel: str
    way: str
    level: str
    stage: str
    status: str
    region: str
    grid: str | None
    unit: str
    owner: str | None
    due_at: datetime | None
    urgency: str
    version: int
    outcome: str


class DisputeDetailOut(DisputeOut):
    description: str
    decisions: list[DecisionOut]
    hops: list[HopOut]
    parties: list[PartyOut]
    organisations: list[OrganisationOut]
    photos: int
    confirmation: str | None


def _out(dispute: Dispute, at: datetime) -> dict[str, Any]:
    matter = dispute.matter
    return {
        "id": dispute.pk,
        "title": matter.title,
        "category": dispute.category.code,
        "severity": dispute.severity,
        "channel": dispute.channel,
        "way": dispute.way,
        "level": dispute.level,
        "stage": matter.stage,
        "status": matter.status,
        "region": matter.region_id,
        "grid": matter.grid.code if matter.grid else None,
        "unit": matter.unit.name,
        "owner": str(matter.owner) if matter.owner else None,
        "due_at": matter.due_at,
        "urgency": urgency(matter, at),
        "version": matter.version,
        "outcome": dispute.outcome,
    }


def _detail(dispute: Dispute) -> DisputeDetailOut:
    confirmation = Confirmation.objects.filter(dispute=dispute).first()
    return DisputeDetailOut(
        **_out(dispute, now()),
        description=dispute.description,
        decisions=[
            DecisionOut(
                at=d.at,
                rule=d.rule_label,
                way=d.way,
                level=d.level,
                department=d.department,
                unit=d.unit.name,
                overridden=d.overridden,
                reason=d.reason,
            )
            for d in dispute.decisions.select_related("unit")
        ],
        hops=[
            HopOut(at=h.at, from_unit=h.from_unit.name, to_unit=h.to_unit.name, reason=h.reason)
            for h in dispute.hops.select_related("from_unit", "to_unit")
        ],
        parties=[
            PartyOut(side=p.side, name=p.person.name_masked, phone=p.person.phone_masked)
            for p in dispute.parties.select_related("person")
        ],
        organisations=[
            OrganisationOut(side=o.side, name=o.name, credit_code=o.credit_code)
            for o in dispute.organisations.all()
        ],
        photos=dispute.photos.count(),
        confirmation=confirmation.status if confirmation else None,
    )


@router.get("/categories", response=list[CategoryOut])
def list_categories(request: HttpRequest) -> list[Any]:
    return selectors.categories()


@router.get("/", response=list[DisputeOut])
def list_disputes(request: HttpRequest) -> list[dict[str, Any]]:
    at = now()
    return [_out(d, at) for d in selectors.disputes_for(api_user(request))]


@router.post("/", response={201: DisputeDetailOut})
def report(request: HttpRequest, payload: ReportIn) -> Status[DisputeDetailOut]:
    photos = [_file(p, f"photos[{i}]") for i, p in enumerate(payload.photos)]
    dispute = dispute_report(
        actor=api_user(request),
        channel=payload.channel,
        category=payload.category,
        severity=payload.severity,
        description=payload.description,
        grid_code=payload.grid_code,
        lon=payload.lon,
        lat=payload.lat,
        amount=payload.amount,
        parties=[PartyInput(**p.model_dump()) for p in payload.parties],
        organisations=[OrganisationInput(**o.model_dump()) for o in payload.organisations],
        photos=[p for p in photos if p is not None],
    )
    return Status(201, _detail(dispute))


@router.get("/{int:dispute_id}", response=DisputeDetailOut)
def dispute_detail(request: HttpRequest, dispute_id: ObjectId) -> DisputeDetailOut:
    return _detail(selectors.dispute_for(api_user(request), dispute_id))


class RouteIn(Schema):
    way: str = ""
    level: str = ""
    department: str = ""
    reason: str = ""


@router.post("/{int:dispute_id}/route", response=DisputeDetailOut)
def route(request: HttpRequest, dispute_id: ObjectId, payload: RouteIn) -> DisputeDetailOut:
    dispute = selectors.dispute_for(api_user(request), dispute_id)
    override = (
        routing.Route(payload.way, payload.level, payload.department) if payload.way else None
    )
    routing.dispute_route(
        actor=api_user(request), dispute=dispute, override=override, reason=payload.reason
    )
    return _detail(selectors.dispute_for(api_user(request), dispute_id))


class EscalateIn(Schema):
    note: str


@router.post("/{int:dispute_id}/escalate", response=DisputeDetailOut)
def escalate(request: HttpRequest, dispute_id: ObjectId, payload: EscalateIn) -> DisputeDetailOut:
    dispute = selectors.dispute_for(api_user(request), dispute_id)
    routing.dispute_escalate(actor=api_user(request), dispute=dispute, note=payload.note)
    dispute.refresh_from_db()
    return _detail(dispute)


class OutcomeIn(Schema):
    outcome: str
    terms: str = ""
    referral: str = ""
    agreement_on: date | None = None
    signed_copy: FileIn | None = None


@router.post("/{int:dispute_id}/outcome", response=DisputeDetailOut)
def conclude(request: HttpRequest, dispute_id: ObjectId, payload: OutcomeIn) -> DisputeDetailOut:
    dispute = selectors.dispute_for(api_user(request), dispute_id)
    outcome.dispute_conclude(
        actor=api_user(request),
        dispute=dispute,
        outcome=payload.outcome,
        terms=payload.terms,
        referral=payload.referral,
        agreement_on=payload.agreement_on,
        signed_copy=_file(payload.signed_copy, "signed_copy"),
    )
    return _detail(dispute)


class VisitIn(Schema):
    satisfaction: int
    performed: bool = True
    note: str = ""


@router.post("/{int:dispute_id}/visits", response={201: DisputeDetailOut})
def return_visit(
    request: HttpRequest, dispute_id: ObjectId, payload: VisitIn
) -> Status[DisputeDetailOut]:
    dispute = selectors.dispute_for(api_user(request), dispute_id)
    outcome.dispute_return_visit(actor=api_user(request), dispute=dispute, **payload.model_dump())
    return Status(201, _detail(dispute))


class ConfirmationOut(Schema):
    id: int
    dispute: int
    court: str
    status: str
    case: int | None
    case_number: str
    applied_at: datetime
    decided_at: datetime | None


def _confirmation(row: Confirmation) -> ConfirmationOut:
    return ConfirmationOut(
        id=row.pk,
        dispute=row.dispute_id,
        court=row.court.name,
        status=row.status,
        case=row.matter_id,
        case_number=row.case_number,
        applied_at=row.applied_at,
        decided_at=row.decided_at,
    )


@router.post("/{int:dispute_id}/confirmation", response={201: ConfirmationOut})
def apply_confirmation(request: HttpRequest, dispute_id: ObjectId) -> Status[ConfirmationOut]:
    dispute = selectors.dispute_for(api_user(request), dispute_id)
    row = outcome.dispute_confirmation_apply(actor=api_user(request), dispute=dispute)
    return Status(201, _confirmation(row))


@router.get("/confirmations/", response=list[ConfirmationOut])
def list_confirmations(request: HttpRequest) -> list[ConfirmationOut]:
    return [_confirmation(c) for c in selectors.confirmations_for(api_user(request))]


@router.post("/confirmations/{confirmation_id}/accept", response=ConfirmationOut)
def accept_confirmation(request: HttpRequest, confirmation_id: ObjectId) -> ConfirmationOut:
    row = selectors.confirmation_for(api_user(request), confirmation_id)
    return _confirmation(outcome.confirmation_accept(actor=api_user(request), confirmation=row))


class RulingIn(Schema):
    confirmed: bool
    note: str = ""


@router.post("/confirmations/{confirmation_id}/decide", response=ConfirmationOut)
def decide_confirmation(
    request: HttpRequest, confirmation_id: ObjectId, payload: RulingIn
) -> ConfirmationOut:
    row = selectors.confirmation_for(api_user(request), confirmation_id)
    decided = outcome.confirmation_decide(
        actor=api_user(request), confirmation=row, **payload.model_dump()
    )
    return _confirmation(decided)


class TaskIn(Schema):
    unit_code: str
    instruction: str
    days: int


class AnalysisIn(Schema):
    topic: str
    decision: str
    departments: list[str]
    disputes: list[int] = []
    tasks: list[TaskIn] = []


class AnalysisOut(Schema):
    id: int
    topic: str
    tasks: list[int]


@router.post("/analyses", response={201: AnalysisOut})
def convene(request: HttpRequest, payload: AnalysisIn) -> Status[AnalysisOut]:
    made = analysis.analysis_convene(
        actor=api_user(request),
        topic=payload.topic,
        decision=payload.decision,
        department_codes=payload.departments,
        dispute_ids=payload.disputes,
        tasks=[analysis.TaskInput(**t.model_dump()) for t in payload.tasks],
    )
    tasks = list(made.tasks.values_list("pk", flat=True))
    return Status(201, AnalysisOut(id=made.pk, topic=made.topic, tasks=tasks))


class ReplyIn(Schema):
    text: str


class ReviewIn(Schema):
    accept: bool
    note: str = ""


class TaskOut(Schema):
    id: int
    stage: str
    unit: str
    replies: int


def _task(task_id: int, request: HttpRequest) -> TaskOut:
    task = selectors.task_for(api_user(request), task_id)
    matter = task.matter
    return TaskOut(
        id=task.pk, stage=matter.stage, unit=matter.unit.name, replies=task.replies.count()
    )


@router.post("/tasks/{task_id}/reply", response=TaskOut)
def reply_task(request: HttpRequest, task_id: ObjectId, payload: ReplyIn) -> TaskOut:
    task = selectors.task_for(api_user(request), task_id)
    analysis.task_reply(actor=api_user(request), task=task, text=payload.text)
    return _task(task_id, request)


@router.post("/tasks/{task_id}/review", response=TaskOut)
def review_task(request: HttpRequest, task_id: ObjectId, payload: ReviewIn) -> TaskOut:
    task = selectors.task_for(api_user(request), task_id)
    analysis.task_review(
        actor=api_user(request), task=task, accept=payload.accept, note=payload.note
    )
    return _task(task_id, request)


class PetitionIn(Schema):
    form: str
    complainant_name: str
    complainant_phone: str = ""
    request: str


class PetitionOut(Schema):
    id: int
    receipt_number: str
    form: str
    stage: str
    status: str
    unit: str
    owner: str | None
    leader_owned: bool
    complainant: str  # masked
    due_at: datetime | None


def _petition(row: Petition) -> PetitionOut:
    owner = selectors.petition_owner(row)
    return PetitionOut(
        id=row.pk,
        receipt_number=row.receipt_number,
        form=row.form,
        stage=row.matter.stage,
        status=row.matter.status,
        unit=row.matter.unit.name,
        owner=str(owner) if owner else None,
        leader_owned=bool(row.leader_id) and owner == row.leader,
        complainant=row.complainant.name_masked,
        due_at=row.matter.due_at,
    )


@router.post("/petitions", response={201: PetitionOut})
def receive_petition(request: HttpRequest, payload: PetitionIn) -> Status[PetitionOut]:
    row = petitions.petition_receive(actor=api_user(request), **payload.model_dump())
    return Status(201, _petition(row))


@router.get("/petitions/{petition_id}", response=PetitionOut)
def petition_detail(request: HttpRequest, petition_id: ObjectId) -> PetitionOut:
    return _petition(selectors.petition_for(api_user(request), petition_id))


class OwnIn(Schema):
    reason: str


@router.post("/petitions/{petition_id}/take-ownership", response=PetitionOut)
def take_ownership(request: HttpRequest, petition_id: ObjectId, payload: OwnIn) -> PetitionOut:
    row = selectors.petition_for(api_user(request), petition_id)
    petitions.petition_take_ownership(actor=api_user(request), petition=row, reason=payload.reason)
    return _petition(selectors.petition_for(api_user(request), petition_id))
