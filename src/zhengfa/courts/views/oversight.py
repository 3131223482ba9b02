"""Presidents' pages: the approval inbox for limit changes, the supervision page (审限内
结案率, average days, overdue, extensions by judge and division; overdue and seriously
overdue cases, late transfers, the enterprise board, objections), and the enforcement
lists with their screening queue."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from zhengfa.courts import reports
from zhengfa.courts.forms import AnswerForm, DecideForm, PeriodForm, RemoveForm
from zhengfa.courts.views.common import attempt
from zhengfa.courts.workflow import limits, records
from zhengfa.flow.common import legal_day


@login_required
def approvals(request: HttpRequest, failed: Any = None) -> HttpResponse:
    rows = reports.court_approvals(request.user)
    forms = {a.pk: DecideForm(prefix=f"a{a.pk}") for a in rows}
    if failed is not None:
        forms[failed[0]] = failed[1]
    context = {"rows": [(a, forms[a.pk]) for a in rows]}
    return render(request, "courts/approvals.html", context)


@login_required
@require_POST
def approval_decide(request: HttpRequest, pk: int) -> HttpResponse:
    approval = next((a for a in reports.court_approvals(request.user) if a.pk == pk), None)
    if approval is None:
        from django.http import Http404

        raise Http404("No approval matches the given query.")
    form = DecideForm(request.POST, prefix=f"a{pk}")
    done = attempt(
        form,
        lambda d: limits.limit_change_decide(
            actor=request.user, approval=approval, decision=d["decision"], note=d["note"]
        ),
    )
    if done is not None:
        return redirect("courts:approvals")
    return approvals(request, failed=(pk, form))


def _period(request: HttpRequest) -> tuple[PeriodForm, date, date]:
    today = legal_day()
    default = {"start": date(today.year, 1, 1), "end": today}
    form = PeriodForm(request.GET or None, initial=default)
    if form.is_bound and form.is_valid() and form.cleaned_data["start"] <= form.cleaned_data["end"]:
        return form, form.cleaned_data["start"], form.cleaned_data["end"]
    if form.is_bound and form.is_valid():
        form.add_error("end", "结束日不得早于开始日 the end must not be before the start")
    return form, default["start"], default["end"]


@login_required
def supervision(request: HttpRequest) -> HttpResponse:
    form, start, end = _period(request)
    today = legal_day()
    overdue = reports.overdue_cases(request.user, today)
    context = {
        "form": form,
        "figures": reports.supervision(request.user, start, end, today),
        "overdue": [o for o in overdue if o.case.judged_on is None],
        "closed_late": [o for o in overdue if o.case.judged_on is not None][:50],
        "late_transfers": reports.late_transfers(request.user, today),
        "enterprise": reports.enterprise_board(request.user)[:100],
        "objections": reports.objections_for(request.user)[:50],
        "answer_form": AnswerForm(),
        "today": today,
    }
    return render(request, "courts/supervision.html", context)


@login_required
@require_POST
def objection_answer(request: HttpRequest, pk: int) -> HttpResponse:
    objection = get_object_or_404(reports.objections_for(request.user), pk=pk)
    form = AnswerForm(request.POST)
    attempt(
        form,
        lambda d: limits.objection_answer(
            actor=request.user, objection=objection, answer=d["answer"]
        ),
    )
    return redirect("courts:supervision")


@login_required
def listings(request: HttpRequest, failed: Any = None) -> HttpResponse:
    rows = reports.listings_for(request.user)[:300]
    forms = {row.pk: RemoveForm(prefix=f"l{row.pk}") for row in rows}
    if failed is not None:
        forms[failed[0]] = failed[1]
    context = {
        "rows": [(row, forms[row.pk]) for row in rows],
        "screening": reports.screening_queue(request.user),
    }
    return render(request, "courts/listings.html", context)


@login_required
@require_POST
def listing_remove(request: HttpRequest, pk: int) -> HttpResponse:
    listing = get_object_or_404(reports.listings_for(request.user), pk=pk)
    form = RemoveForm(request.POST, prefix=f"l{pk}")
    done = attempt(
        form,
        lambda d: records.listing_remove(actor=request.user, listing=listing, reason=d["reason"]),
    )
    if done is not None:
        return redirect("courts:listings")
    return listings(request, failed=(pk, form))
