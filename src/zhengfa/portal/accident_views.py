"""Pages for minor traffic accidents: report, join, answer the proposal, the document."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhengfa.portal import accidents
from zhengfa.portal.abuse import RateLimited, throttle_submission
from zhengfa.portal.forms import MultipleFileField
from zhengfa.portal.models import Accident, AccidentStatus, Party
from zhengfa.portal.views import _add_errors, _page, client_address
from zhengfa.web.forms import MultipleFileInput

SITUATION_CHOICES = [(s.code, f"{s.zh} / {s.en}") for s in accidents.SITUATIONS.values()]


class DriverForm(forms.Form):
    plate = forms.CharField(label=_("Your plate number"), max_length=12)
    insurer = forms.CharField(label=_("Your insurer"), max_length=64)
    policy_no = forms.CharField(label=_("Compulsory insurance policy number"), max_length=40)
    phone = forms.CharField(label=_("Mobile phone"), max_length=20)
    lat = forms.FloatField(label=_("Latitude"), widget=forms.NumberInput(attrs={"step": "any"}))
    lon = forms.FloatField(label=_("Longitude"), widget=forms.NumberInput(attrs={"step": "any"}))
    situation = forms.ChoiceField(label=_("What happened"), choices=SITUATION_CHOICES)
    fault = forms.ChoiceField(
        label=_("Which vehicle did it"),
        choices=[("self", _("My vehicle")), ("other", _("The other vehicle"))],
        widget=forms.RadioSelect,
    )
    photos = MultipleFileField(
        label=_("Photos of the scene and both vehicles (JPG or PNG)"),
        widget=MultipleFileInput(attrs={"accept": ".jpg,.jpeg,.png", "capture": "environment"}),
    )
    join_code = forms.CharField(label=_("Code from the other driver"), required=False, max_length=6)

    def report(self) -> accidents.DriverReport:
        data = self.cleaned_data
        return accidents.DriverReport(
            **{k: data[k] for k in ("plate", "insurer", "policy_no", "phone", "lat", "lon")},
            situation=data["situation"],
            fault=data["fault"],
        )


class AnswerForm(forms.Form):
    side = forms.ChoiceField(label=_("You are"), choices=Party.choices, widget=forms.RadioSelect)
    phone = forms.CharField(label=_("Mobile phone you reported with"), max_length=20)
    agree = forms.TypedChoiceField(
        label=_("Do you accept the proposed liability?"),
        coerce=lambda v: v == "yes",
        choices=[("yes", _("I agree")), ("no", _("I do not agree: an officer decides"))],
        widget=forms.RadioSelect,
    )


def _remember(request: HttpRequest, accident: Accident) -> None:
    seen = set(request.session.get("portal_accidents", []))
    request.session["portal_accidents"] = sorted(seen | {accident.code})


def report(request: HttpRequest) -> HttpResponse:
    form = DriverForm(request.POST or None, request.FILES or None)
    join_code = ""
    if request.method == "POST" and form.is_valid():
        try:
            throttle_submission(client=client_address(request), phone_hash=None)
            accident, join_code = accidents.accident_report(
                actor=request.user,
                occurred_at=timezone.now(),
                report=form.report(),
                photos=form.cleaned_data["photos"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        except RateLimited as limited:
            form.add_error(None, str(limited))
        else:
            _remember(request, accident)
            return _page(request, "accident_reported.html", accident=accident, join_code=join_code)
    return _page(request, "accident_report.html", form=form)


def _accident(code: str) -> Accident:
    found = Accident.objects.select_related("grid").filter(code=code).first()
    if found is None:
        raise Http404
    return found


def detail(request: HttpRequest, code: str) -> HttpResponse:
    accident = _accident(code)
    join_form = DriverForm(prefix="join")
    answer_form = AnswerForm(prefix="answer")
    if request.method == "POST":
        kept = _post(request, accident)
        if kept is None:
            return redirect("portal:accident", code=code)
        join_form, answer_form = kept
    return _page(
        request,
        "accident.html",
        accident=accident,
        liability=accidents.liability_text(accident),
        parties=accident.parties.all(),
        join_form=join_form,
        answer_form=answer_form,
        is_party=accident.code in request.session.get("portal_accidents", []),
        agreed=accident.status == AccidentStatus.AGREED,
    )


def _post(request: HttpRequest, accident: Accident) -> tuple[DriverForm, AnswerForm] | None:
    """Join or answer; None when it worked, else both forms (one with its errors)."""
    join, answer = DriverForm(prefix="join"), AnswerForm(prefix="answer")
    if "join-plate" in request.POST:
        join = DriverForm(request.POST, request.FILES, prefix="join")
        if join.is_valid():
            try:
                accidents.accident_join(
                    actor=request.user,
                    accident=accident,
                    join_code=join.cleaned_data["join_code"],
                    report=join.report(),
                    photos=join.cleaned_data["photos"],
                )
                _remember(request, accident)
                return None
            except ValidationError as error:
                _add_errors(join, error)
            except PermissionDenied as denied:
                join.add_error("join_code", str(denied))
    else:
        answer = AnswerForm(request.POST, prefix="answer")
        if answer.is_valid():
            try:
                accidents.accident_answer(accident=accident, **answer.cleaned_data)
                _remember(request, accident)
                return None
            except ValidationError as error:
                _add_errors(answer, error)
            except PermissionDenied as denied:
                answer.add_error("phone", str(denied))
    return join, answer


def document(request: HttpRequest, code: str) -> HttpResponse:
    """The agreement for both insurers: printable HTML, or JSON with ``?format=json``."""
    accident = _accident(code)
    if accident.code not in request.session.get("portal_accidents", []):
        raise Http404
    try:
        body: dict[str, Any] = accidents.insurer_document(accident)
    except ValidationError:
        raise Http404 from None
    if request.GET.get("format") == "json":
        return JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    return _page(request, "accident_document.html", doc=body, accident=accident)
