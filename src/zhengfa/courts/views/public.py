"""Judicial openness (司法公开): progress by case number and verification code, natural
persons anonymised; the public hearing calendar, where a signed-in citizen reserves a
seat. No staff data is read here."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhengfa.courts import reports
from zhengfa.courts.forms import LookupForm, ObjectionForm
from zhengfa.courts.views.common import attempt
from zhengfa.courts.workflow import limits, records
from zhengfa.flow.common import legal_day


def progress(request: HttpRequest, objection: ObjectionForm | None = None) -> HttpResponse:
    form = LookupForm(request.GET or request.POST or None)
    case = None
    if form.is_bound and form.is_valid():
        case = reports.public_case(form.cleaned_data["number"], form.cleaned_data["code"])
        if case is None:  # the same answer for a wrong number and a wrong code
            form.add_error(None, _("案号或查询码不正确 The case number or the code is wrong."))
    context = {
        "form": form,
        "case": case,
        "parties": case.parties.select_related("person") if case else [],
        "told": case.messages.all() if case else [],
        "objection_form": objection or ObjectionForm(),
        "is_party": bool(
            case and request.user.is_authenticated and case.parties.filter(account=request.user)
        ),
    }
    return render(request, "courts/progress.html", context)


def calendar(request: HttpRequest) -> HttpResponse:
    rows = reports.hearing_calendar(legal_day())[:200]
    return render(request, "courts/calendar.html", {"rows": rows})


@login_required
@require_POST
def reserve(request: HttpRequest, pk: int) -> HttpResponse:
    hearing = get_object_or_404(reports.hearing_calendar(legal_day()), pk=pk)
    try:
        records.seat_reserve(actor=request.user, hearing=hearing)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, "; ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, _("已预约旁听席位 Seat reserved."))
    return redirect("courts:calendar")


@login_required
@require_POST
def object_to_limit(request: HttpRequest) -> HttpResponse:
    """A party (signed in, with the number and code) objects to a change of the limit; the
    court's president sees it on the supervision page."""
    lookup = LookupForm(request.POST)
    form = ObjectionForm(request.POST)
    case = (
        reports.public_case(lookup.cleaned_data["number"], lookup.cleaned_data["code"])
        if lookup.is_valid()
        else None
    )
    if case is None:
        return progress(request)
    done = attempt(
        form, lambda d: limits.objection_file(actor=request.user, case=case, text=d["text"])
    )
    if done is None:
        return progress(request, objection=form)
    messages.success(request, _("异议已提交院长 Your objection was sent to the president."))
    query = urlencode({"number": case.number, "code": lookup.cleaned_data["code"]})
    return redirect(f"{reverse('courts:progress')}?{query}")
