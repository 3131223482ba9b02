"""Pages for letters and visits (信访) and joint analysis with its task lists (联合研判、清单
交办). Thin: forms parse, services decide, selectors read (scoped through ``for_user``); a
refused action re-renders the page with the service's errors beside the fields."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from zhengfa.disputes import selectors
from zhengfa.disputes.forms import (
    AnalysisForm,
    OwnershipForm,
    PetitionCloseForm,
    PetitionDecideForm,
    PetitionOpinionForm,
    PetitionReceiveForm,
    PetitionReplyForm,
    PetitionReviewRequestForm,
    PetitionRouteForm,
    TaskReplyForm,
    TaskReviewForm,
    add_service_errors,
)
from zhengfa.disputes.models import AnalysisTask, Petition
from zhengfa.disputes.services import analysis, petitions
from zhengfa.flow.common import now
from zhengfa.flow.machine import get_kind
from zhengfa.flow.selectors import clocks_of, timeline, urgency

Run = Callable[[Any, Any, dict[str, Any]], Any]


def _on_petition(service: Callable[..., Any]) -> Run:
    return lambda actor, petition, data: service(actor=actor, petition=petition, **data)


# Each action: its form and the service call (actor, row, cleaned data).
PETITION_ACTIONS: dict[str, tuple[type[forms.Form], Run]] = {
    "route": (PetitionRouteForm, _on_petition(petitions.petition_route)),
    "decide": (PetitionDecideForm, _on_petition(petitions.petition_decide)),
    "reply": (PetitionReplyForm, _on_petition(petitions.petition_reply)),
    "review": (PetitionReviewRequestForm, _on_petition(petitions.petition_review_request)),
    "opinion": (PetitionOpinionForm, _on_petition(petitions.petition_review_answer)),
    "close": (PetitionCloseForm, _on_petition(petitions.petition_close)),
    "own": (OwnershipForm, _on_petition(petitions.petition_take_ownership)),
}
# The actions each stage offers (ownership: any open stage).
PETITION_STAGE_ACTIONS: dict[str, tuple[str, ...]] = {
    "received": ("route",),
    "accepting": ("decide",),
    "handling": ("reply",),
    "replied": ("review", "close"),
    "review": ("opinion",),
    "reviewed": ("review", "close"),
    "recheck": ("opinion",),
}
PETITION_LABELS = {
    "route": _("登记转送 Register and route"),
    "decide": _("告知受理 Decide acceptance"),
    "reply": _("书面答复 Reply in writing"),
    "review": _("申请复查/复核 Request review"),
    "opinion": _("复查/复核意见 Review opinion"),
    "close": _("办结 Close"),
    "own": _("领导包案 Leader takes ownership"),
}
TASK_ACTIONS: dict[str, tuple[type[forms.Form], Run]] = {
    "reply": (TaskReplyForm, lambda a, t, d: analysis.task_reply(actor=a, task=t, **d)),
    "review": (TaskReviewForm, lambda a, t, d: analysis.task_review(actor=a, task=t, **d)),
}


def _render_failure(form: forms.Form, error: ValidationError | PermissionDenied) -> None:
    if isinstance(error, ValidationError):
        add_service_errors(form, error)
    else:
        form.add_error(None, str(error))


@login_required
def petition_list(request: HttpRequest) -> HttpResponse:
    form = PetitionReceiveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            row = petitions.petition_receive(actor=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            _render_failure(form, error)
        else:
            return redirect("disputes:petition", pk=row.pk)
    at = now()
    rows = [(p, urgency(p.matter, at)) for p in selectors.petitions_for(request.user)]
    return render(request, "disputes/petitions.html", {"rows": rows, "form": form})


def _petition_page(
    request: HttpRequest, petition: Petition, failed: tuple[str, forms.Form] | None = None
) -> HttpResponse:
    matter = petition.matter
    offered = PETITION_STAGE_ACTIONS.get(matter.stage, ()) if matter.status == "open" else ()
    if matter.status == "open":
        offered = (*offered, "own")
    action_forms = [
        (name, PETITION_LABELS[name], failed[1] if failed and failed[0] == name else form())
        for name in offered
        for form in [PETITION_ACTIONS[name][0]]
    ]
    context = {
        "petition": petition,
        "matter": matter,
        "owner": selectors.petition_owner(petition),
        "stage_label": get_kind(matter.kind).stage(matter.stage).label,
        "clocks": clocks_of(matter),
        "timeline": timeline(matter),
        "action_forms": action_forms,
    }
    return render(request, "disputes/petition.html", context, status=400 if failed else 200)


@login_required
def petition_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _petition_page(request, selectors.petition_for(request.user, pk))


@login_required
@require_POST
def petition_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in PETITION_ACTIONS:
        raise Http404("No such action.")
    petition = selectors.petition_for(request.user, pk)
    form_class, run = PETITION_ACTIONS[action]
    form = form_class(request.POST)
    if form.is_valid():
        try:
            run(request.user, petition, form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            _render_failure(form, error)
        else:
            return redirect("disputes:petition", pk=pk)
    petition = selectors.petition_for(request.user, pk)
    return _petition_page(request, petition, (action, form))


@login_required
def analysis_list(request: HttpRequest) -> HttpResponse:
    form = AnalysisForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            row = analysis.analysis_convene(
                actor=request.user,
                topic=data["topic"],
                decision=data["decision"],
                department_codes=data["departments"],
                dispute_ids=data["disputes"],
                tasks=data["tasks"],
            )
        except (ValidationError, PermissionDenied) as error:
            _render_failure(form, error)
        else:
            return redirect("disputes:analysis", pk=row.pk)
    rows = selectors.analyses_for(request.user)
    return render(request, "disputes/analyses.html", {"rows": rows, "form": form})


def _analysis_page(
    request: HttpRequest, pk: int, failed: tuple[int, forms.Form] | None = None
) -> HttpResponse:
    row = selectors.analysis_for(request.user, pk)
    at = now()
    tasks = []
    for task in selectors.tasks_of(request.user, row):
        name = "reply" if task.matter.stage == "assigned" else "review"
        form = failed[1] if failed and failed[0] == task.pk else TASK_ACTIONS[name][0]()
        open_ = task.matter.status == "open"
        tasks.append((task, urgency(task.matter, at), name if open_ else "", form))
    context = {"analysis": row, "tasks": tasks}
    return render(request, "disputes/analysis.html", context, status=400 if failed else 200)


@login_required
def analysis_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _analysis_page(request, pk)


@login_required
@require_POST
def task_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in TASK_ACTIONS:
        raise Http404("No such action.")
    task: AnalysisTask = selectors.task_for(request.user, pk)
    form_class, run = TASK_ACTIONS[action]
    form = form_class(request.POST)
    if form.is_valid():
        try:
            run(request.user, task, form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            _render_failure(form, error)
        else:
            return redirect("disputes:analysis", pk=task.analysis_id)
    return _analysis_page(request, task.analysis_id, (task.pk, form))
