"""Hazards pages: campaigns and my hazards, the phone-sized inspection page, a hazard
with the action its stage allows, the risk ledger and the map. Thin: forms parse,
services decide, selectors read; a refused action re-renders the form with the service's
field errors and the values typed."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from zhengfa.flow.common import legal_day, now
from zhengfa.flow.photos import PhotoInput
from zhengfa.flow.selectors import clocks_of, timeline, urgency
from zhengfa.hazards import selectors
from zhengfa.hazards.flows import HAZARD, RECTIFIERS, RECTIFYING, VERIFIERS, VERIFYING
from zhengfa.hazards.forms import (
    CampaignForm,
    InspectionForm,
    RectifyForm,
    VerifyForm,
    add_service_errors,
    lines,
)
from zhengfa.hazards.models import PLANNERS, Campaign, CheckResult, Hazard
from zhengfa.hazards.services.campaigns import campaign_create
from zhengfa.hazards.services.inspections import CheckInput, FindingInput, inspection_record
from zhengfa.hazards.services.rectification import hazard_rectify, hazard_verify
from zhengfa.org.models import RegionLevel
from zhengfa.org.scoping import Scope


@login_required
def home(request: HttpRequest) -> HttpResponse:
    at = now()
    context = {
        "can_plan": getattr(request.user, "role", "") in PLANNERS,
        "campaigns": selectors.campaigns_for(request.user, current_on=legal_day(at)),
        "rows": [(h, urgency(h.matter, at)) for h in selectors.hazards_for(request.user)],
    }
    return render(request, "hazards/home.html", context)


@login_required
def plan(request: HttpRequest) -> HttpResponse:
    """Plan a campaign (commission, governance centre, platform admin)."""
    user: Any = request.user
    if user.role not in PLANNERS:
        raise PermissionDenied
    region = Scope.of(user).region_code or ""
    themes = [(t.code, str(t)) for t in selectors.themes()]
    units = [(u.code, u.name) for u in selectors.planning_units(user)]
    initial = {"region": region, "starts_on": legal_day()}
    form = CampaignForm(request.POST or None, themes=themes, units=units, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = campaign_create(
                actor=user,
                theme=data["theme"],
                name=data["name"],
                region_code=data["region"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                lead_unit=data["lead_unit"],
                units=data["units"],
                sites=lines(data["sites"]),
                items=lines(data["items"]),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(f"{reverse('hazards:home')}?planned={campaign.pk}")
    return render(request, "hazards/plan.html", {"form": form})


@login_required
def inspect(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_for(request.user, pk)
    grids = [
        (g.code, f"{g.name} ({g.code})") for g in selectors.inspector_grids(request.user, campaign)
    ]
    items = list(campaign.items.all())
    form = InspectionForm(request.POST or None, grids=grids, items=items)
    if request.method == "POST" and form.is_valid():
        about = [
            i.pk for i in form.items if form.cleaned_data[f"result_{i.pk}"] == CheckResult.HAZARD
        ]
        try:
            inspection = _record(request, campaign, form, about)
        except ValidationError as error:
            add_service_errors(form, error, about)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            hazards = list(inspection.hazards.values_list("pk", flat=True))
            if len(hazards) == 1:
                return redirect("hazards:detail", pk=hazards[0])
            return redirect(f"{reverse('hazards:home')}?inspected={inspection.pk}")
    context = {"campaign": campaign, "form": form, "rows": form.item_rows()}
    return render(request, "hazards/inspect.html", context)


def _findings(
    request: HttpRequest, data: dict[str, Any], about: list[int], lon: float, lat: float
) -> list[FindingInput]:
    """A finding for every item answered 'hazard', at the point picked for the site."""
    return [
        FindingInput(
            severity=data[f"severity_{n}"],
            description=data[f"description_{n}"],
            responsible_party=data[f"party_{n}"] or data["site"],
            lon=lon,
            lat=lat,
            item=n,
            photos=tuple(
                PhotoInput(str(f.name), f.read()) for f in request.FILES.getlist(f"photos_{n}")
            ),
        )
        for n in about
    ]


def _record(
    request: HttpRequest, campaign: Campaign, form: InspectionForm, about: list[int]
) -> Any:
    data = form.cleaned_data
    lon, lat = data["lon"], data["lat"]
    if about and (lon is None or lat is None):
        raise ValidationError({"lon": gettext("在地图上点选隐患位置 Pick the place on the map")})
    findings = _findings(request, data, about, lon, lat) if about else []
    return inspection_record(
        actor=request.user,
        campaign=campaign,
        grid_code=data["grid"],
        site=data["site"],
        checks=[CheckInput(i.pk, data[f"result_{i.pk}"]) for i in form.items],
        findings=findings,
        note=data["note"],
    )


def _detail_context(request: HttpRequest, hazard: Hazard) -> dict[str, Any]:
    matter = hazard.matter
    role = str(getattr(request.user, "role", ""))
    return {
        "hazard": hazard,
        "matter": matter,
        "stage_label": HAZARD.stage(matter.stage).label,
        "urgency": urgency(matter, now()),
        "clocks": clocks_of(matter),
        "timeline": timeline(matter),
        "can_rectify": matter.stage == RECTIFYING and role in RECTIFIERS,
        "can_verify": matter.stage == VERIFYING and role in VERIFIERS,
        "rectify_form": RectifyForm(initial={"version": matter.version}),
        "verify_form": VerifyForm(initial={"version": matter.version}),
    }


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    hazard = selectors.hazard_for(request.user, pk)
    return render(request, "hazards/detail.html", _detail_context(request, hazard))


@login_required
@require_POST
def rectify(request: HttpRequest, pk: int) -> HttpResponse:
    hazard = selectors.hazard_for(request.user, pk)
    form = RectifyForm(request.POST)
    if form.is_valid():
        photos = [PhotoInput(str(f.name), f.read()) for f in request.FILES.getlist("photos")]
        try:
            hazard_rectify(
                actor=request.user,
                hazard=hazard,
                version=form.cleaned_data["version"],
                measures=form.cleaned_data["measures"],
                photos=photos,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("hazards:detail", pk=pk)
    context = _detail_context(request, hazard) | {"rectify_form": form}
    return render(request, "hazards/detail.html", context, status=422)


@login_required
@require_POST
def verify(request: HttpRequest, pk: int) -> HttpResponse:
    hazard = selectors.hazard_for(request.user, pk)
    form = VerifyForm(request.POST)
    if form.is_valid():
        try:
            hazard_verify(
                actor=request.user,
                hazard=hazard,
                version=form.cleaned_data["version"],
                passed=form.cleaned_data["passed"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("hazards:detail", pk=pk)
    context = _detail_context(request, hazard) | {"verify_form": form}
    return render(request, "hazards/detail.html", context, status=422)


@login_required
def photo(request: HttpRequest, pk: int, photo_id: int) -> FileResponse:
    """A photo of a hazard, for whoever sees the hazard (no public media URL)."""
    hazard = selectors.hazard_for(request.user, pk)
    found = next((p for p in hazard.photos.all() if p.pk == photo_id), None)
    if found is None:
        raise Http404("No photo matches the given query.")
    response = FileResponse(found.image.open("rb"), content_type=found.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


LEVEL_LABELS = {
    "grid": "网格 Grid",
    RegionLevel.TOWNSHIP: "乡镇街道 Township",
    RegionLevel.COUNTY: "县区 County",
}


@login_required
def ledger(request: HttpRequest) -> HttpResponse:
    level = request.GET.get("level", RegionLevel.TOWNSHIP)
    if level not in selectors.LEVELS:
        level = RegionLevel.TOWNSHIP
    region = request.GET.get("region", "").strip()
    entries = selectors.ledger_entries(request.user, region if region.isdigit() else "")
    context = {
        "level": level,
        "levels": LEVEL_LABELS.items(),
        "region": region,
        "totals": selectors.ledger_totals(entries),
        "places": selectors.ledger_places(entries, level),
        "unowned": selectors.ledger_unowned(entries),
        "entries": entries[:300],
        "more": max(len(entries) - 300, 0),
    }
    return render(request, "hazards/ledger.html", context)


def _map_text() -> dict[str, str]:
    """Words the map script shows, translated here so the script stays language-free."""
    return {
        "loaded": gettext("%(count)s open hazards in your scope"),
        "empty": gettext("No open hazards are in your scope."),
        "failed": gettext("The hazards could not be loaded. Reload the page to try again."),
        "owner": gettext("负责人 Owner"),
        "party": gettext("责任主体 Responsible party"),
        "due": gettext("整改期限 Due"),
    }


@login_required
def hazard_map(request: HttpRequest) -> HttpResponse:
    context = {
        "hazards_url": reverse("api-v1:hazard_map"),
        "grids_url": reverse("api-v1:grid_list"),
        "map_text": _map_text(),
    }
    return render(request, "hazards/map.html", context)
