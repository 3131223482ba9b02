"""Case pages: the list of the court's cases and one case — its stages with their clocks
and countdowns, the timeline and the legal clock's explanation, and the steps its stage
allows (assignment, service, hearing, judgment, appeal, transfer, archiving, limit
changes, dossier)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from zhengfa.courts import reports
from zhengfa.courts.forms import (
    AppealForm,
    AssignForm,
    ConvertForm,
    HearingForm,
    JudgmentForm,
    LimitForm,
    StepForm,
    UploadForm,
)
from zhengfa.courts.models import CourtCase, Division, Hearing
from zhengfa.courts.procedures import CONVERSIONS
from zhengfa.courts.views.common import attempt
from zhengfa.courts.workflow import appeals, assignment, dossier, limits, trial
from zhengfa.flow import clocks as legal
from zhengfa.flow.common import legal_day, now
from zhengfa.flow.machine import get_kind
from zhengfa.flow.selectors import explain, timeline, urgency
from zhengfa.org.models import User
from zhengfa.org.roles import Role


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    cases = reports.cases_for(user).select_related("matter", "matter__owner")
    mine = request.GET.get("mine") == "1" or user.role == Role.JUDGE
    if mine and user.role == Role.JUDGE:
        cases = cases.filter(panel__judge=user)
    at = now()
    rows = [(c, urgency(c.matter, at)) for c in cases.order_by("-filed_on", "-pk")[:300]]
    return render(request, "courts/case_list.html", {"rows": rows})


@dataclass(frozen=True)
class Step:
    """A step of the case page: its form, the stages that show it, and the service."""

    title: str
    form: type[forms.Form]
    stages: tuple[str, ...]
    run: Callable[..., Any]


def _dated(service: Callable[..., Any]) -> Callable[..., Any]:
    return lambda actor, case, data: service(actor=actor, case=case, on=data.get("on"))


STEPS: dict[str, Step] = {
    "serve": Step(
        "送达起诉状副本 Serve the complaint", StepForm, ("serve",), _dated(trial.complaint_serve)
    ),
    "answer": Step(
        "答辩期届满 Close the answer period", StepForm, ("answer",), _dated(trial.answer_close)
    ),
    "judgment": Step(
        "宣判 Judgment",
        JudgmentForm,
        ("deliberation",),
        lambda actor, case, d: trial.judgment_issue(
            actor=actor, case=case, outcome=d["outcome"], on=d.get("on")
        ),
    ),
    "serve_judgment": Step(
        "送达裁判文书 Serve the judgment", StepForm, ("judged",), _dated(trial.judgment_serve)
    ),
    "appeal": Step(
        "收到上诉状 Appeal received",
        AppealForm,
        ("appeal_period",),
        lambda actor, case, d: appeals.appeal_file(
            actor=actor,
            case=case,
            appellant=get_object_or_404(case.parties, pk=d["appellant"]),
            on=d.get("on"),
        ),
    ),
    "serve_appeal": Step(
        "送达上诉状副本 Serve the appeal", StepForm, ("appeal_filed",), _dated(appeals.appeal_serve)
    ),
    "close_appeal_answer": Step(
        "上诉答辩期届满 Close the answer to the appeal",
        StepForm,
        ("appeal_answer",),
        _dated(appeals.appeal_answer_close),
    ),
    "transfer": Step(
        "移送二审法院 Transfer to the higher court",
        StepForm,
        ("transfer",),
        _dated(appeals.appeal_transfer),
    ),
    "archive": Step(
        "归档 Archive", StepForm, ("archive", "appeal_period"), _dated(trial.case_archive)
    ),
    "convert": Step(
        "转为普通程序 Convert to ordinary procedure",
        ConvertForm,
        ("serve", "answer", "schedule", "hearing", "deliberation"),
        lambda actor, case, d: trial.case_convert(
            actor=actor, case=case, reason=d["reason"], on=d.get("on")
        ),
    ),
}


def _movers(case: CourtCase) -> tuple[str, ...]:
    try:
        return tuple(get_kind(case.matter.kind).stage(case.matter.stage).movers)
    except (KeyError, ValidationError):
        return ()


def _step_forms(
    case: CourtCase, bound: dict[str, forms.Form], role: str
) -> list[tuple[str, Step, Any]]:
    """The steps the case's stage allows, for a role that moves it on (the registry does
    the appeal steps, the judge the trial's)."""
    stage = case.matter.stage
    if role not in _movers(case) and not bound:
        return []
    shown = []
    for name, step in STEPS.items():
        if stage not in step.stages or case.matter.status != "open":
            continue
        if name == "convert" and case.procedure not in CONVERSIONS:
            continue
        if name == "archive" and stage == "appeal_period" and not _appeal_period_over(case):
            continue
        form = bound.get(name) or _blank(step, case)
        shown.append((name, step, form))
    return shown


def _appeal_period_over(case: CourtCase) -> bool:
    clock = case.matter.clocks.filter(purpose="stage:appeal_period").first()
    return clock is None or clock.due_on < legal_day()


def _blank(step: Step, case: CourtCase) -> forms.Form:
    initial = {"on": legal_day()}
    if step.form is AppealForm:
        return AppealForm(initial=initial, parties=_parties(case), prefix="appeal")
    return step.form(initial=initial, prefix=_prefix(step))


def _prefix(step: Step) -> str:
    return next(name for name, s in STEPS.items() if s is step)


def _parties(case: CourtCase) -> list[tuple[str, str]]:
    return [
        (str(p.pk), f"{p.get_side_display()} {p.public_name}")
        for p in case.parties.select_related("person")
    ]


def _limit_reasons(case: CourtCase) -> list[tuple[str, str]]:
    clock = trial.overall_clock(case)
    if clock is None:
        return []
    reasons = [("special_circumstances", "延长：有特殊情况 Extension: special circumstances")]
    reasons += [
        (r.code, f"扣除/中止：{r.zh} {r.en} ({r.citation})")
        for r in legal.excluded_reasons(clock.rule)
    ]
    return reasons


def _assign_form(case: CourtCase, data: Any = None) -> AssignForm:
    divisions = Division.objects.filter(court_id=case.matter.unit_id)
    judges = User.objects.filter(unit_id=case.matter.unit_id, role=Role.JUDGE, is_active=True)
    return AssignForm(
        data,
        prefix="assign",
        divisions=[(str(d.pk), d.name) for d in divisions],
        judges=[(str(j.pk), j.full_name or j.username) for j in judges.order_by("username")],
    )


def _page(request: HttpRequest, case: CourtCase, **bound: Any) -> HttpResponse:
    matter = case.matter
    clocks = list(matter.clocks.order_by("pk"))
    context = {
        "case": case,
        "matter": matter,
        "urgency": urgency(matter, now()),
        "today": legal_day(),
        "clocks": [(c, explain(c)) for c in clocks],
        "timeline": timeline(matter),
        "parties": case.parties.select_related("person"),
        "panel": case.panel.select_related("judge"),
        "hearings": case.hearings.all(),
        "dossier": case.dossier.only("name", "version", "stage", "size", "sha256", "added_at"),
        "messages_told": case.messages.all(),
        "appeals": case.appeals.all(),
        "steps": _step_forms(case, bound, str(getattr(request.user, "role", ""))),
        "assign_form": bound.get("assign") or _assign_form(case),
        "hearing_form": bound.get("hearing") or HearingForm(prefix="hearing"),
        "limit_form": bound.get("limit") or LimitForm(prefix="limit", reasons=_limit_reasons(case)),
        "upload_form": bound.get("upload") or UploadForm(prefix="upload"),
        "can_limit": trial.overall_clock(case) is not None and matter.status == "open",
        "error": bound.get("error"),
    }
    return render(request, "courts/case.html", context)


@login_required
def case_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, reports.case_for(request.user, pk))


@login_required
@require_POST
def case_step(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    case = reports.case_for(request.user, pk)
    step = STEPS.get(name)
    if step is None:
        raise Http404("No such step.")
    if step.form is AppealForm:
        form: forms.Form = AppealForm(request.POST, parties=_parties(case), prefix="appeal")
    else:
        form = step.form(request.POST, prefix=name)
    done = attempt(form, lambda data: step.run(request.user, case, data))
    if done is not None:
        return redirect("courts:case", pk=pk)
    return _page(request, reports.case_for(request.user, pk), **{name: form})


@login_required
@require_POST
def case_assign(request: HttpRequest, pk: int) -> HttpResponse:
    case = reports.case_for(request.user, pk)
    form = _assign_form(case, request.POST)

    def run(data: dict[str, Any]) -> Any:
        division = Division.objects.get(pk=data["division"], court_id=case.matter.unit_id)
        if data["mode"] == "random":
            return assignment.case_assign_random(actor=request.user, case=case, division=division)
        judges = {str(u.pk): u for u in User.objects.filter(unit_id=case.matter.unit_id)}
        if data["presiding"] not in judges:
            form.add_error("presiding", "选择承办法官 choose the judge")
            return None
        return assignment.case_assign_manual(
            actor=request.user,
            case=case,
            division=division,
            presiding=judges[data["presiding"]],
            members=[judges[m] for m in data["members"] if m != data["presiding"]],
            reason=data["reason"],
        )

    if attempt(form, run) is not None:
        return redirect("courts:case", pk=pk)
    return _page(request, case, assign=form)


@login_required
@require_POST
def hearing_new(request: HttpRequest, pk: int) -> HttpResponse:
    case = reports.case_for(request.user, pk)
    form = HearingForm(request.POST, prefix="hearing")
    done = attempt(form, lambda d: trial.hearing_schedule(actor=request.user, case=case, **d))
    if done is not None:
        return redirect("courts:case", pk=pk)
    return _page(request, case, hearing=form)


@login_required
@require_POST
def hearing_held(request: HttpRequest, pk: int, hearing_id: int) -> HttpResponse:
    case = reports.case_for(request.user, pk)
    hearing = get_object_or_404(Hearing, pk=hearing_id, case=case)
    form = StepForm(request.POST, prefix="held")
    done = attempt(form, lambda d: trial.hearing_hold(actor=request.user, hearing=hearing))
    if done is not None:
        return redirect("courts:case", pk=pk)
    return _page(request, case, error=form.non_field_errors() or form.errors)


@login_required
@require_POST
def limit_request(request: HttpRequest, pk: int) -> HttpResponse:
    case = reports.case_for(request.user, pk)
    form = LimitForm(request.POST, prefix="limit", reasons=_limit_reasons(case))

    def run(data: dict[str, Any]) -> Any:
        return limits.limit_change_request(
            actor=request.user,
            case=case,
            kind=data["kind"],
            reason_code=data["reason_code"],
            detail=data["detail"],
            amount=data["amount"],
            unit=data["unit"],
            pause_from=data["pause_from"],
            days=data["days"],
        )

    if attempt(form, run) is not None:
        return redirect("courts:case", pk=pk)
    return _page(request, case, limit=form)


@login_required
@require_POST
def dossier_upload(request: HttpRequest, pk: int) -> HttpResponse:
    case = reports.case_for(request.user, pk)
    form = UploadForm(request.POST, request.FILES, prefix="upload")

    def run(data: dict[str, Any]) -> Any:
        upload = data["file"]
        return dossier.dossier_upload(
            actor=request.user, case=case, name=str(upload.name), content=upload.read()
        )

    if attempt(form, run) is not None:
        return redirect("courts:case", pk=pk)
    return _page(request, case, upload=form)


@login_required
def dossier_download(request: HttpRequest, pk: int) -> HttpResponse:
    case = reports.case_for(request.user, pk)
    response = HttpResponse(dossier.dossier_zip(case), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="dossier-{case.pk}.zip"'
    return response
