"""Case endpoints of /api/v1/courts/: filing, assignment, stages, hearings, limit requests,
the dossier, the president's figures, and the public progress lookup and hearing calendar.
Thin: each calls one service or selector; every staff read is scoped through the flow
engine (``reports.cases_for``), so a case outside the caller's court answers 404."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from zhengfa.api import ObjectId, Problem, api_user, base64_bytes
from zhengfa.courts import reports
from zhengfa.courts.models import CourtCase, Division, Filing, Hearing
from zhengfa.courts.workflow import appeals, assignment, dossier, filing, limits, trial
from zhengfa.flow.common import invalid, legal_day
from zhengfa.flow.models import Matter
from zhengfa.org.models import Unit, User

router = Router(tags=["courts"])


class PartyIn(Schema):
    side: str
    name: str = ""
    id_number: str = ""
    phone: str = ""
    address: str = ""
    organisation: str = ""


class AttachmentIn(Schema):
    name: str
    content_base64: str


class FilingIn(Schema):
    court: str  # unit code
    procedure: str
    cause_code: str = ""
    claims: str
    parties: list[PartyIn]
    enterprise_related: bool = False
    attachments: list[AttachmentIn] = []


class FilingOut(Schema):
    id: int
    status: str
    stage: str
    due_on: date | None
    case_number: str | None = None
    verification_code: str | None = None  # shown once, at acceptance


class DecisionIn(Schema):
    decision: str  # accept | reject | material
    reasons: str = ""


class NoteIn(Schema):
    note: str


class PartyOut(Schema):
    id: int
    side: str
    name: str  # masked for natural persons


class ClockOut(Schema):
    purpose: str
    rule: str
    state: str
    due_on: date


class MessageOut(Schema):
    at: datetime
    subject: str
    reason: str
    legal_basis: str


class CaseOut(Schema):
    id: int
    number: str
    procedure: str
    stage: str
    status: str
    owner: str | None
    filed_on: date
    judged_on: date | None
    due_on: date | None
    enterprise_related: bool


class CaseDetailOut(CaseOut):
    parties: list[PartyOut]
    clocks: list[ClockOut]
    messages: list[MessageOut]
    original: str | None
    appeals: list[str]


class AssignIn(Schema):
    mode: str  # random | manual
    division: int
    presiding: int | None = None
    members: list[int] = []
    reason: str = ""


class StepIn(Schema):
    step: str
    on: date | None = None
    outcome: str = ""
    appellant: int | None = None
    reason: str = ""


class HearingIn(Schema):
    starts_at: datetime
    room: str
    summoned_on: date | None = None
    public: bool = True
    seats: int = 0


class HearingOut(Schema):
    id: int
    case: str
    starts_at: datetime
    room: str
    status: str
    seats: int


class LimitIn(Schema):
    kind: str
    reason_code: str
    detail: str
    amount: int | None = None
    unit: str = ""
    pause_from: date | None = None
    days: int | None = None


class ApprovalOut(Schema):
    id: int
    kind: str
    level: str
    status: str


class UploadIn(Schema):
    name: str
    content_base64: str


class DossierOut(Schema):
    id: int
    name: str
    version: int
    sha256: str
    size: int


class SupervisionRowOut(Schema):
    label: str
    registered: int
    closed: int
    closed_in_time: int
    rate: float | None
    average_days: float | None
    open_overdue: int
    serious: int
    extensions: int


class SupervisionOut(Schema):
    start: date
    end: date
    total: SupervisionRowOut
    by_judge: list[SupervisionRowOut]
    by_division: list[SupervisionRowOut]


class ProgressOut(Schema):
    number: str
    court: str
    stage: str
    status: str
    parties: list[PartyOut]
    messages: list[MessageOut]


def _filing_for(user: Any, pk: int) -> Filing:
    visible = Matter.objects.for_user(user).values("pk")
    found = Filing.objects.filter(pk=pk, matter__in=visible).select_related("matter").first()
    if found is None:
        raise Http404("No filing matches the given query.")
    return found


def _filing_out(found: Filing, accepted: filing.Accepted | None = None) -> FilingOut:
    case = accepted.case if accepted else CourtCase.objects.filter(filing=found).first()
    return FilingOut(
        id=found.pk,
        status=found.status,
        stage=found.matter.stage,
        due_on=found.matter.due_on,
        case_number=case.number if case else None,
        verification_code=accepted.verification_code if accepted else None,
    )


@router.post("/filings", response={201: FilingOut}, summary="File a complaint (立案)")
def filing_create(request: HttpRequest, body: FilingIn) -> Status:
    court = Unit.objects.filter(code=body.court).first()
    if court is None:
        raise invalid("court", f"unknown court unit code {body.court!r}")
    created = filing.filing_submit(
        actor=api_user(request),
        court=court,
        procedure=body.procedure,
        cause_code=body.cause_code,
        claims=body.claims,
        parties=[filing.PartyInput(**p.dict()) for p in body.parties],
        enterprise_related=body.enterprise_related,
        attachments=[
            (a.name, base64_bytes(a.content_base64, f"attachments[{n}].content_base64"))
            for n, a in enumerate(body.attachments)
        ],
    )
    return Status(201, _filing_out(created))


@router.post("/filings/{filing_id}/decision", response=FilingOut, summary="Decide a filing")
def filing_decide(request: HttpRequest, filing_id: ObjectId, body: DecisionIn) -> FilingOut:
    user, found = api_user(request), _filing_for(api_user(request), filing_id)
    if body.decision == "accept":
        return _filing_out(found, filing.filing_accept(actor=user, filing=found))
    if body.decision == "reject":
        return _filing_out(filing.filing_reject(actor=user, filing=found, reasons=body.reasons))
    if body.decision == "material":
        return _filing_out(
            filing.filing_request_material(actor=user, filing=found, missing=body.reasons)
        )
    raise invalid("decision", "accepted: accept, reject, material")


@router.post("/filings/{filing_id}/material", response=FilingOut, summary="Supply material")
def filing_material(request: HttpRequest, filing_id: ObjectId, body: NoteIn) -> FilingOut:
    found = _filing_for(api_user(request), filing_id)
    return _filing_out(
        filing.filing_supply_material(actor=api_user(request), filing=found, note=body.note)
    )


def _case_out(case: CourtCase) -> dict[str, Any]:
    matter = case.matter
    return {
        "id": case.pk,
        "number": case.number,
        "procedure": case.procedure,
        "stage": matter.stage,
        "status": matter.status,
        "owner": str(matter.owner) if matter.owner else None,
        "filed_on": case.filed_on,
        "judged_on": case.judged_on,
        "due_on": matter.due_on,
        "enterprise_related": matter.enterprise_related,
    }


def _parties(case: CourtCase) -> list[PartyOut]:
    return [
        PartyOut(id=p.pk, side=p.side, name=p.public_name)
        for p in case.parties.select_related("person")
    ]


def _messages(case: CourtCase) -> list[MessageOut]:
    return [
        MessageOut(at=m.created_at, subject=m.subject, reason=m.reason, legal_basis=m.legal_basis)
        for m in case.messages.all()
    ]


@router.get("/cases", response=list[CaseOut], summary="Cases of my court")
def case_list(request: HttpRequest) -> list[CaseOut]:
    cases = reports.cases_for(api_user(request)).select_related("matter", "matter__owner")
    return [CaseOut(**_case_out(c)) for c in cases.order_by("-filed_on", "-pk")[:500]]


@router.get("/cases/{case_id}", response=CaseDetailOut, summary="One case")
def case_detail(request: HttpRequest, case_id: ObjectId) -> CaseDetailOut:
    case = reports.case_for(api_user(request), case_id)
    return CaseDetailOut(
        **_case_out(case),
        parties=_parties(case),
        clocks=[
            ClockOut(purpose=c.purpose, rule=c.rule, state=c.state, due_on=c.due_on)
            for c in case.matter.clocks.order_by("pk")
        ],
        messages=_messages(case),
        original=case.original.number if case.original else None,
        appeals=[a.number for a in case.appeals.all()],
    )


@router.post("/cases/{case_id}/assignment", response=CaseOut, summary="Assign (分案)")
def case_assign(request: HttpRequest, case_id: ObjectId, body: AssignIn) -> CaseOut:
    user = api_user(request)
    case = reports.case_for(user, case_id)
    division = Division.objects.filter(pk=body.division, court_id=case.matter.unit_id).first()
    if division is None:
        raise invalid("division", "a team of the case's court")
    if body.mode == "random":
        assignment.case_assign_random(actor=user, case=case, division=division)
    elif body.mode == "manual":
        judges = {u.pk: u for u in User.objects.filter(pk__in=[body.presiding or 0, *body.members])}
        if body.presiding is None or body.presiding not in judges:
            raise invalid("presiding", "a user id of a judge")
        assignment.case_assign_manual(
            actor=user,
            case=case,
            division=division,
            presiding=judges[body.presiding],
            members=[judges[m] for m in body.members if m in judges],
            reason=body.reason,
        )
    else:
        raise invalid("mode", "accepted: random, manual")
    return CaseOut(**_case_out(reports.case_for(user, case_id)))


STEPS: dict[str, Callable[..., Any]] = {
    "serve_complaint": trial.complaint_serve,
    "close_answer": trial.answer_close,
    "judgment": trial.judgment_issue,
    "serve_judgment": trial.judgment_serve,
    "appeal": appeals.appeal_file,
    "serve_appeal": appeals.appeal_serve,
    "close_appeal_answer": appeals.appeal_answer_close,
    "transfer": appeals.appeal_transfer,
    "archive": trial.case_archive,
    "convert": trial.case_convert,
}


@router.post("/cases/{case_id}/steps", response=CaseOut, summary="Move the case on one step")
def case_step(request: HttpRequest, case_id: ObjectId, body: StepIn) -> CaseOut:
    user = api_user(request)
    case = reports.case_for(user, case_id)
    if body.step not in STEPS:
        raise invalid("step", f"accepted: {', '.join(STEPS)}")
    extra: dict[str, Any] = {}
    if body.step == "judgment":
        extra["outcome"] = body.outcome
    if body.step == "convert":
        extra["reason"] = body.reason
    if body.step == "appeal":
        party = case.parties.filter(pk=body.appellant or 0).first()
        if party is None:
            raise invalid("appellant", "the id of a party of this case")
        extra["appellant"] = party
    STEPS[body.step](actor=user, case=case, on=body.on, **extra)
    return CaseOut(**_case_out(reports.case_for(user, case_id)))


@router.post("/cases/{case_id}/receive-appeal", response={201: CaseOut}, summary="Receive")
def case_receive_appeal(request: HttpRequest, case_id: ObjectId) -> Status:
    """The higher court registers a transferred appeal; it sees the original for this."""
    user = api_user(request)
    original = get_object_or_404(CourtCase.objects.select_related("matter__unit"), pk=case_id)
    unit_id = getattr(user, "unit_id", None)
    if unit_id is None or original.matter.unit.parent_id != unit_id:
        raise Http404("No case matches the given query.")
    received = appeals.appeal_receive(actor=user, original=original)
    return Status(201, CaseOut(**_case_out(received)))


def _hearing_out(hearing: Hearing) -> HearingOut:
    return HearingOut(
        id=hearing.pk,
        case=hearing.case.number,
        starts_at=hearing.starts_at,
        room=hearing.room,
        status=hearing.status,
        seats=hearing.seats,
    )


@router.post("/cases/{case_id}/hearings", response={201: HearingOut}, summary="Schedule")
def hearing_create(request: HttpRequest, case_id: ObjectId, body: HearingIn) -> Status:
    case = reports.case_for(api_user(request), case_id)
    hearing = trial.hearing_schedule(actor=api_user(request), case=case, **body.dict())
    return Status(201, _hearing_out(hearing))


@router.post("/hearings/{hearing_id}/held", response=HearingOut, summary="The hearing was held")
def hearing_held(request: HttpRequest, hearing_id: ObjectId) -> HearingOut:
    user = api_user(request)
    hearing = get_object_or_404(
        Hearing.objects.filter(case__in=reports.cases_for(user)), pk=hearing_id
    )
    return _hearing_out(trial.hearing_hold(actor=user, hearing=hearing, on=legal_day()))


@router.post("/cases/{case_id}/limit-requests", response={201: ApprovalOut}, summary="Limit")
def limit_request(request: HttpRequest, case_id: ObjectId, body: LimitIn) -> Status:
    case = reports.case_for(api_user(request), case_id)
    approval = limits.limit_change_request(actor=api_user(request), case=case, **body.dict())
    out = ApprovalOut(
        id=approval.pk, kind=approval.kind, level=approval.level, status=approval.status
    )
    return Status(201, out)


@router.post("/cases/{case_id}/dossier", response={201: DossierOut}, summary="Upload a file")
def dossier_add(request: HttpRequest, case_id: ObjectId, body: UploadIn) -> Status:
    case = reports.case_for(api_user(request), case_id)
    content = base64_bytes(body.content_base64, "content_base64")
    stored = dossier.dossier_upload(
        actor=api_user(request), case=case, name=body.name, content=content
    )
    out = DossierOut(
        id=stored.pk,
        name=stored.name,
        version=stored.version,
        sha256=stored.sha256,
        size=stored.size,
    )
    return Status(201, out)


@router.get("/cases/{case_id}/dossier.zip", summary="The whole dossier as one ZIP")
def dossier_download(request: HttpRequest, case_id: ObjectId) -> HttpResponse:
    case = reports.case_for(api_user(request), case_id)
    response = HttpResponse(dossier.dossier_zip(case), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="dossier-{case.pk}.zip"'
    return response


def _row(row: reports.Row) -> SupervisionRowOut:
    return SupervisionRowOut(
        label=row.label,
        registered=row.registered,
        closed=row.closed,
        closed_in_time=row.closed_in_time,
        rate=row.rate,
        average_days=row.average_days,
        open_overdue=row.open_overdue,
        serious=row.serious,
        extensions=row.extensions,
    )


@router.get("/supervision", response=SupervisionOut, summary="审限内结案率 and more")
def supervision_get(request: HttpRequest, start: date, end: date) -> SupervisionOut:
    figures = reports.supervision(api_user(request), start, end, legal_day())
    return SupervisionOut(
        start=start,
        end=end,
        total=_row(figures.total),
        by_judge=[_row(r) for r in figures.by_judge],
        by_division=[_row(r) for r in figures.by_division],
    )


@router.get(
    "/public/progress",
    response={200: ProgressOut, 404: Problem},
    auth=None,
    summary="Public progress",
)
def public_progress(request: HttpRequest, number: str, code: str) -> ProgressOut:
    case = reports.public_case(number, code)
    if case is None:
        raise Http404("No case matches this number and code.")
    return ProgressOut(
        number=case.number,
        court=case.matter.unit.name,
        stage=case.matter.stage,
        status=case.matter.status,
        parties=_parties(case),
        messages=_messages(case),
    )


@router.get("/public/hearings", response=list[HearingOut], auth=None, summary="Hearing calendar")
def public_hearings(request: HttpRequest) -> list[HearingOut]:
    return [_hearing_out(h) for h in reports.hearing_calendar(legal_day())[:200]]
