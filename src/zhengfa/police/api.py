"""/api/v1/police/: intake, dispatch steps, referrals, the fraud lookup and reports, a
roster on the map. Thin: writes are services, reads are scoped selectors; an object out
of scope answers 404 like a missing one. The fraud lookup is public: it answers a count
of reports, never who made them."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status

from zhengfa.api import ObjectId, api_user
from zhengfa.flow.common import now
from zhengfa.police import selectors
from zhengfa.police.models import Incident, Referral
from zhengfa.police.services import fraud, intake, triage

router = Router(tags=["police"])


class ReportIn(Schema):
    channel: str
    category: str
    description: str
    lon: float
    lat: float
    priority: int | None = None


class IncidentOut(Schema):
    id: int
    title: str
    category: str
    priority: int
    disposition: str
    stage: str
    unit: str
    beat: str
    grid: str
    received_at: datetime
    due_at: datetime | None
    told: str


def _incident_out(incident: Incident) -> IncidentOut:
    referral = getattr(incident, "referral", None)
    return IncidentOut(
        id=incident.pk,
        title=incident.matter.title,
        category=incident.category,
        priority=incident.priority,
        disposition=incident.disposition,
        stage=incident.matter.stage,
        unit=incident.matter.unit.name,
        beat=incident.beat.code,
        grid=incident.grid.code,
        received_at=incident.received_at,
        due_at=incident.matter.due_at,
        told=referral.caller_message if referral else "",
    )


@router.post("/incidents", response={201: IncidentOut})
def receive(request: HttpRequest, body: ReportIn) -> Any:
    report = intake.Report(**body.dict())
    incident = intake.incident_receive(actor=api_user(request), report=report)
    return Status(201, _incident_out(incident))


@router.get("/incidents", response=list[IncidentOut])
def incidents(request: HttpRequest) -> Any:
    rows = selectors.incidents_for(api_user(request)).select_related("matter__unit", "referral")
    return [_incident_out(i) for i in rows[:200]]


def _incident(request: HttpRequest, incident_id: int) -> Incident:
    found = selectors.incidents_for(api_user(request)).filter(pk=incident_id).first()
    if found is None:
        raise Http404
    return found


STEPS = {
    "dispatch": intake.incident_dispatch,
    "arrive": intake.incident_arrive,
    "close": intake.incident_close,
}


@router.post("/incidents/{incident_id}/{step}", response=IncidentOut)
def incident_step(request: HttpRequest, incident_id: ObjectId, step: str) -> Any:
    if step not in STEPS:
        raise Http404
    incident = _incident(request, incident_id)
    return _incident_out(STEPS[step](actor=api_user(request), incident=incident))


class ReferralCloseIn(Schema):
    outcome: str


class ReferralOut(Schema):
    id: int
    title: str
    stage: str
    rule: str
    unit: str
    told: str


def _referral(request: HttpRequest, referral_id: int) -> Referral:
    found = selectors.referrals_for(api_user(request)).filter(pk=referral_id).first()
    if found is None:
        raise Http404
    return found


@router.get("/referrals", response=list[ReferralOut])
def referrals(request: HttpRequest) -> Any:
    return [_referral_out(r) for r in selectors.referrals_for(api_user(request))[:200]]


def _referral_out(referral: Referral) -> ReferralOut:
    return ReferralOut(
        id=referral.pk,
        title=referral.matter.title,
        stage=referral.matter.stage,
        rule=referral.rule_label,
        unit=referral.unit.name if referral.unit else "",
        told=referral.caller_message,
    )


@router.post("/referrals/{referral_id}/close", response=ReferralOut)
def referral_close(request: HttpRequest, referral_id: ObjectId, body: ReferralCloseIn) -> Any:
    referral = _referral(request, referral_id)
    triage.referral_close(actor=api_user(request), referral=referral, outcome=body.outcome)
    referral.matter.refresh_from_db()
    return _referral_out(referral)


class LookupOut(Schema):
    kind: str
    value: str
    reports: int
    flagged: bool
    warning: str


@router.get("/fraud/lookup", response=LookupOut, auth=None)
def fraud_lookup(request: HttpRequest, kind: str, value: str) -> Any:
    found = fraud.fraud_lookup(kind=kind, value=value)
    return LookupOut(
        kind=found.kind,
        value=found.value,
        reports=found.reports,
        flagged=found.flagged,
        warning=fraud.warning_text(found),
    )


class ContactIn(Schema):
    kind: str
    value: str


class FraudReportIn(Schema):
    scam_type: str
    description: str
    contacts: list[ContactIn]
    loss: Decimal | None = None


class FraudReportOut(Schema):
    id: int
    case: int | None
    reported_at: datetime


@router.post("/fraud/reports", response={201: FraudReportOut})
def fraud_report(request: HttpRequest, body: FraudReportIn) -> Any:
    report = fraud.fraud_report(
        actor=api_user(request),
        scam_type=body.scam_type,
        description=body.description,
        contacts=[fraud.ContactInput(c.kind, c.value) for c in body.contacts],
        loss=body.loss,
    )
    return Status(
        201, FraudReportOut(id=report.pk, case=report.case_id, reported_at=report.reported_at)
    )


@router.get("/rosters/{roster_id}/map")
def roster_map(request: HttpRequest, roster_id: ObjectId, at: datetime | None = None) -> Any:
    roster = selectors.roster_for(api_user(request), roster_id)
    if roster is None:
        raise Http404
    return selectors.roster_at(roster, at or now())
