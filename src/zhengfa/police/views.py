"""Police pages: the station's desk (record a call, dispatch, arrive, close), a citizen's
online report, the receiving unit's referrals, rosters on the map with a CSV export, the
public fraud lookup and the citizen's fraud report. Thin: forms parse, services decide,
selectors read; a refused action re-renders the form with the values typed."""

from __future__ import annotations

import csv
from datetime import datetime, time
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from zhengfa.clock.clock import SHANGHAI
from zhengfa.flow.common import now
from zhengfa.flow.selectors import urgency
from zhengfa.org.roles import Role
from zhengfa.police import planning, selectors
from zhengfa.police.api import STEPS
from zhengfa.police.flows import INCIDENT, REFERRAL
from zhengfa.police.forms import (
    CallForm,
    FraudReportForm,
    LookupForm,
    OutcomeForm,
    ReportForm,
    RosterForm,
    WarningForm,
    add_service_errors,
)
from zhengfa.police.models import IntakeChannel, Roster
from zhengfa.police.services import fraud, intake, triage
from zhengfa.police.services.rosters import roster_generate


def _require(request: HttpRequest, *roles: str) -> Any:
    user: Any = request.user
    if user.role not in roles:
        raise PermissionDenied
    return user


@login_required
def desk(request: HttpRequest) -> HttpResponse:
    """接处警台: record a call; the station's incidents with the step each allows."""
    user = _require(request, Role.POLICE_OFFICER)
    form = CallForm(request.POST or None)
    told = ""
    if request.method == "POST" and form.is_valid():
        try:
            incident = intake.incident_receive(
                actor=user, report=intake.Report(**form.cleaned_data)
            )
        except ValidationError as refused:
            add_service_errors(form, refused, {"location": "lon"})
        else:
            referral = getattr(incident, "referral", None)
            told = referral.caller_message if referral else ""
            form = CallForm()
    at = now()
    rows = [
        (i, urgency(i.matter, at), INCIDENT.stage(i.matter.stage).label)
        for i in selectors.incidents_for(user).filter(matter__status="open")[:100]
    ]
    return render(request, "police/desk.html", {"form": form, "rows": rows, "told": told})


NEXT_STEP = {"received": "dispatch", "dispatched": "arrive", "on_scene": "close"}


@login_required
@require_POST
def incident_step(request: HttpRequest, incident_id: int, step: str) -> HttpResponse:
    user = _require(request, Role.POLICE_OFFICER)
    incident = selectors.incidents_for(user).filter(pk=incident_id).first()
    if incident is None or step not in STEPS:
        raise Http404
    STEPS[step](actor=user, incident=incident)
    return redirect("police:desk")


@login_required
def report(request: HttpRequest) -> HttpResponse:
    """网上报警: a citizen reports; the page says where the report went."""
    user = _require(request, Role.CITIZEN)
    form = ReportForm(request.POST or None)
    incident = None
    if request.method == "POST" and form.is_valid():
        try:
            incident = intake.incident_receive(
                actor=user, report=intake.Report(channel=IntakeChannel.ONLINE, **form.cleaned_data)
            )
        except ValidationError as refused:
            add_service_errors(form, refused, {"location": "lon"})
    referral = getattr(incident, "referral", None) if incident else None
    return render(
        request, "police/report.html", {"form": form, "incident": incident, "referral": referral}
    )


@login_required
def referrals(request: HttpRequest) -> HttpResponse:
    """The receiving unit's diverted reports, each with the rule that sent it."""
    user = _require(request, *triage.RECEIVERS, Role.PLATFORM_ADMIN, Role.COMMISSION)
    return render(
        request, "police/referrals.html", {"rows": _referral_rows(user), "form": OutcomeForm()}
    )


def _referral_rows(user: Any) -> list[tuple[Any, str, str]]:
    at = now()
    return [
        (r, urgency(r.matter, at), REFERRAL.stage(r.matter.stage).label)
        for r in selectors.referrals_for(user)[:200]
    ]


@login_required
@require_POST
def referral_close(request: HttpRequest, referral_id: int) -> HttpResponse:
    user = _require(request, *triage.RECEIVERS)
    referral = selectors.referrals_for(user).filter(pk=referral_id).first()
    if referral is None:
        raise Http404
    form = OutcomeForm(request.POST)
    if form.is_valid():
        try:
            triage.referral_close(
                actor=user, referral=referral, outcome=form.cleaned_data["outcome"]
            )
        except ValidationError as refused:
            add_service_errors(form, refused, {})
        else:
            return redirect("police:referrals")
    context = {"rows": _referral_rows(user), "form": form}
    return render(request, "police/referrals.html", context, status=422)


@login_required
def rosters(request: HttpRequest) -> HttpResponse:
    """A station's rosters; an officer of the station generates the next one."""
    user = _require(request, Role.POLICE_OFFICER, Role.COMMISSION, Role.PLATFORM_ADMIN)
    form = RosterForm(
        request.POST or None, initial={"starts_on": selectors.week_start(now().date())}
    )
    if request.method == "POST" and user.role == Role.POLICE_OFFICER and form.is_valid():
        rules = planning.Rules(
            min_cover_blocks=form.cleaned_data["min_cover_blocks"],
            min_on_duty=form.cleaned_data["min_on_duty"],
        )
        try:
            roster = roster_generate(
                actor=user, station=user.unit, starts_on=form.cleaned_data["starts_on"], rules=rules
            )
        except ValidationError as refused:
            add_service_errors(form, refused, {"rules": "min_cover_blocks"})
        else:
            return redirect("police:roster", roster.pk)
    found = Roster.objects.for_user(user).select_related("station")[:20]
    return render(request, "police/rosters.html", {"form": form, "rosters": found})


@login_required
def roster_map(request: HttpRequest, roster_id: int) -> HttpResponse:
    roster = selectors.roster_for(request.user, roster_id)
    if roster is None:
        raise Http404
    hours = [f"{h:02d}:00" for h in range(0, 24, planning.BLOCK_HOURS)]
    days = [
        roster.starts_on.fromordinal(roster.starts_on.toordinal() + d)
        for d in range(roster.weeks * 7)
    ]
    first = datetime.combine(roster.starts_on, time(20), SHANGHAI)
    return render(
        request,
        "police/roster.html",
        {"roster": roster, "hours": hours, "days": days, "first": first.isoformat()},
    )


@login_required
def roster_export(request: HttpRequest, roster_id: int) -> HttpResponse:
    roster = selectors.roster_for(request.user, roster_id)
    if roster is None:
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="roster-{roster.pk}.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 CSV with Chinese text correctly with a BOM
    writer = csv.writer(response)
    writer.writerow(["日期 date", "时段 hours", "警格 beat", "民警 officer", "账号 account"])
    writer.writerows(selectors.roster_rows(roster))
    return response


def fraud_check(request: HttpRequest) -> HttpResponse:
    """反诈查询: anyone looks a number, link or account up; the answer is a count."""
    form = LookupForm(request.GET or None)
    found = None
    if request.GET and form.is_valid():
        try:
            found = fraud.fraud_lookup(**form.cleaned_data)
        except ValidationError as refused:
            add_service_errors(form, refused, {})
    region = getattr(request.user, "region_id", None) or ""
    context = {
        "form": form,
        "found": found,
        "warning": fraud.warning_text(found) if found else "",
        "warnings": fraud.warnings_for(region) if region else [],
        **_officer_warning_context(request.user, WarningForm()),
    }
    return render(request, "police/fraud.html", context)


def _officer_warning_context(user: Any, form: WarningForm) -> dict[str, Any]:
    """For an officer: scam types rising in his county, and the form to warn an area."""
    if getattr(user, "role", "") != Role.POLICE_OFFICER or user.unit is None:
        return {}
    county = user.unit.region_id[:6]
    form.initial.setdefault("region", county)
    return {"rising": fraud.fraud_rising(region_code=county), "warn_form": form}


@login_required
@require_POST
def fraud_warn(request: HttpRequest) -> HttpResponse:
    """Publish a warning about a scam type to an area (officers)."""
    user = _require(request, Role.POLICE_OFFICER)
    form = WarningForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            fraud.fraud_warning_publish(
                actor=user,
                region_code=data["region"],
                scam_type=data["scam_type"],
                text=data["text"],
            )
        except ValidationError as refused:
            add_service_errors(form, refused, {})
        else:
            return redirect("police:fraud")
    context = {"form": LookupForm(), **_officer_warning_context(user, form)}
    return render(request, "police/fraud.html", context, status=422)


@login_required
def fraud_report_page(request: HttpRequest) -> HttpResponse:
    user = _require(request, Role.CITIZEN)
    form = FraudReportForm(request.POST or None)
    done = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            done = fraud.fraud_report(
                actor=user,
                scam_type=data["scam_type"],
                description=data["description"],
                contacts=[fraud.ContactInput(data["kind"], data["value"])],
                loss=data["loss"],
            )
        except ValidationError as refused:
            add_service_errors(form, refused, {"contacts": "value"})
    return render(request, "police/fraud_report.html", {"form": form, "done": done})
