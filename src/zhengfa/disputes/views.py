"""Disputes pages: the list, the phone-sized report page, a dispute with the actions its
stage allows, and the court's confirmation inbox. Thin: forms parse, services decide,
selectors read; a refused action re-renders the form with the service's field errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from zhengfa.disputes import selectors
from zhengfa.disputes.forms import (
    EscalateForm,
    OutcomeForm,
    ReportForm,
    RouteForm,
    RulingForm,
    VisitForm,
    add_service_errors,
)
from zhengfa.disputes.models import Channel, Confirmation, Dispute
from zhengfa.disputes.services import outcome, routing
from zhengfa.disputes.services.intake import OrganisationInput, PartyInput, dispute_report
from zhengfa.flow.common import now
from zhengfa.flow.machine import get_kind
from zhengfa.flow.photos import PhotoInput
from zhengfa.flow.selectors import clocks_of, timeline, urgency
from zhengfa.org.models import Grid
from zhengfa.org.roles import Role

CHANNEL_OF_ROLE: dict[str, str] = {Role.GRID_WORKER: Channel.GRID, Role.CITIZEN: Channel.PORTAL}


@login_required
def dispute_list(request: HttpRequest) -> HttpResponse:
    at = now()
    rows = [(d, urgency(d.matter, at)) for d in selectors.disputes_for(request.user)]
    return render(request, "disputes/list.html", {"rows": rows})


def _my_grids(user: Any) -> list[tuple[str, str]]:
    grids = Grid.objects.for_user(user).order_by("code")
    if user.role == Role.GRID_WORKER:
        grids = grids.filter(worker=user)
    return [(g.code, f"{g.name} ({g.code})") for g in grids[:200]]


@login_required
def report(request: HttpRequest) -> HttpResponse:
    grids = _my_grids(request.user)
    form = ReportForm(request.POST or None, request.FILES or None, grids=grids)
    if request.method == "POST" and form.is_valid():
        try:
            dispute = _submit_report(request, form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("disputes:detail", pk=dispute.pk)
    return render(request, "disputes/report.html", {"form": form})


def _submit_report(request: HttpRequest, data: dict[str, Any]) -> Dispute:
    parties = [
        PartyInput(
            name=data[f"party{n}_name"], side=data[f"party{n}_side"], phone=data[f"party{n}_phone"]
        )
        for n in range(2)
        if data.get(f"party{n}_name")
    ]
    photos = [PhotoInput(str(f.name), f.read()) for f in request.FILES.getlist("photos")]
    name, code = data["organisation_name"], data["organisation_credit_code"]
    # A code without a name is sent on, so the service's "name required" reaches the form.
    organisations = [OrganisationInput(name=name, credit_code=code)] if name or code else []
    return dispute_report(
        actor=request.user,
        channel=CHANNEL_OF_ROLE.get(str(getattr(request.user, "role", "")), Channel.DESK),
        category=data["category"],
        severity=data["severity"],
        description=data["description"],
        amount=data["amount"] or None,
        grid_code=data["grid_code"],
        lon=data["lon"],
        lat=data["lat"],
        parties=parties,
        organisations=organisations,
        photos=photos,
    )


def _page(request: HttpRequest, dispute: Dispute, **forms: Any) -> HttpResponse:
    matter = dispute.matter
    context = {
        "dispute": dispute,
        "matter": matter,
        "urgency": urgency(matter, now()),
        "stage_label": get_kind(matter.kind).stage(matter.stage).label,
        "clocks": clocks_of(matter),
        "timeline": timeline(matter),
        "decisions": dispute.decisions.select_related("unit"),
        "hops": dispute.hops.select_related("from_unit", "to_unit"),
        "parties": dispute.parties.select_related("person"),
        "photos": dispute.photos.all(),
        "confirmation": Confirmation.objects.filter(dispute=dispute).first(),
        "route_form": forms.get("route_form") or RouteForm(),
        "escalate_form": forms.get("escalate_form") or EscalateForm(),
        "outcome_form": forms.get("outcome_form") or OutcomeForm(),
        "visit_form": forms.get("visit_form")
        or VisitForm(initial={"performed": True, "satisfaction": 4}),
        "error": forms.get("error"),
    }
    return render(request, "disputes/detail.html", context)


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, selectors.dispute_for(request.user, pk))


def _act(
    request: HttpRequest,
    pk: int,
    form_class: type,
    name: str,
    run: Callable[[Dispute, dict[str, Any]], Any],
) -> HttpResponse:
    dispute = selectors.dispute_for(request.user, pk)
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        try:
            run(dispute, form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as denied:
            return _page(request, dispute, **{name: form, "error": str(denied)})
        else:
            return redirect("disputes:detail", pk=pk)
    return _page(request, dispute, **{name: form})


@login_required
@require_POST
def route(request: HttpRequest, pk: int) -> HttpResponse:
    def run(dispute: Dispute, data: dict[str, Any]) -> Any:
        override = (
            routing.Route(data["way"], data["level"], data["department"]) if data["way"] else None
        )
        return routing.dispute_route(
            actor=request.user, dispute=dispute, override=override, reason=data["reason"]
        )

    return _act(request, pk, RouteForm, "route_form", run)


@login_required
@require_POST
def escalate(request: HttpRequest, pk: int) -> HttpResponse:
    def run(dispute: Dispute, data: dict[str, Any]) -> Any:
        return routing.dispute_escalate(actor=request.user, dispute=dispute, note=data["note"])

    return _act(request, pk, EscalateForm, "escalate_form", run)


@login_required
@require_POST
def conclude(request: HttpRequest, pk: int) -> HttpResponse:
    def run(dispute: Dispute, data: dict[str, Any]) -> Any:
        upload = data.get("signed_copy")
        signed = PhotoInput(upload.name, upload.read()) if upload else None
        return outcome.dispute_conclude(
            actor=request.user,
            dispute=dispute,
            outcome=data["outcome"],
            terms=data["terms"],
            referral=data["referral"],
            signed_copy=signed,
        )

    return _act(request, pk, OutcomeForm, "outcome_form", run)


@login_required
@require_POST
def visit(request: HttpRequest, pk: int) -> HttpResponse:
    def run(dispute: Dispute, data: dict[str, Any]) -> Any:
        return outcome.dispute_return_visit(actor=request.user, dispute=dispute, **data)

    return _act(request, pk, VisitForm, "visit_form", run)


@login_required
@require_POST
def apply_confirmation(request: HttpRequest, pk: int) -> HttpResponse:
    dispute = selectors.dispute_for(request.user, pk)
    try:
        outcome.dispute_confirmation_apply(actor=request.user, dispute=dispute)
    except (ValidationError, PermissionDenied) as error:
        message = "; ".join(getattr(error, "messages", [str(error)]))
        return _page(request, dispute, error=message)
    return redirect("disputes:detail", pk=pk)


@login_required
def confirmations(request: HttpRequest) -> HttpResponse:
    rows = selectors.confirmations_for(request.user)
    return render(
        request, "disputes/confirmations.html", {"rows": rows, "ruling_form": RulingForm()}
    )


@login_required
@require_POST
def accept_confirmation(request: HttpRequest, pk: int) -> HttpResponse:
    row = selectors.confirmation_for(request.user, pk)
    outcome.confirmation_accept(actor=request.user, confirmation=row)
    return redirect("disputes:confirmations")


@login_required
@require_POST
def decide_confirmation(request: HttpRequest, pk: int) -> HttpResponse:
    row = selectors.confirmation_for(request.user, pk)
    form = RulingForm(request.POST)
    if form.is_valid():
        try:
            outcome.confirmation_decide(actor=request.user, confirmation=row, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("disputes:confirmations")
    rows = selectors.confirmations_for(request.user)
    return render(
        request,
        "disputes/confirmations.html",
        {"rows": rows, "ruling_form": form, "failed": row.pk},
    )
