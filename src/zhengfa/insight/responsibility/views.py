"""Pages of the responsibility agreements under /insight/responsibility/: the scores of the
units in the viewer's scope, one unit's annual review report (HTML, CSV, XLSX, PDF), the
commission's target form and its re-scoring button. Reads go through ``selectors``
(scoped), writes through ``services``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhengfa.flow.common import legal_day
from zhengfa.insight.exports import XLSX_TYPE, export_response, file_response
from zhengfa.insight.responsibility import selectors
from zhengfa.insight.responsibility.forms import TargetForm
from zhengfa.insight.responsibility.indicators import CATALOGUE
from zhengfa.insight.responsibility.pdf import review_report_pdf
from zhengfa.insight.responsibility.services import (
    FIRST_YEAR,
    LAST_YEAR,
    TargetInput,
    may_score,
    may_set_targets,
    scores_compute,
    target_set,
)

PDF_TYPE = "application/pdf"


def _year(raw: str | None, default: int) -> tuple[int, str | None]:
    if raw is None or raw == "":
        return default, None
    if raw.isdigit() and FIRST_YEAR <= int(raw) <= LAST_YEAR:
        return int(raw), None
    return default, _("年度应为 %(first)s–%(last)s 的年份 / year must be %(first)s–%(last)s") % {
        "first": FIRST_YEAR,
        "last": LAST_YEAR,
    }


@login_required
def index(request: HttpRequest) -> HttpResponse:
    known = selectors.years(request.user)
    year, error = _year(request.GET.get("year"), known[0] if known else legal_day().year)
    rows = selectors.scores(request.user, year)
    exported = export_response(request, selectors.scores_table(rows, year))
    if exported is not None:
        return exported
    context = {
        "year": year,
        "asked": request.GET.get("year", year),
        "years": known,
        "rows": rows,
        "units": selectors.responsible_units(request.user),
        "error": error,
        "may_score": may_score(request.user),
    }
    return render(
        request, "insight_responsibility/index.html", context, status=422 if error else 200
    )


def _review(request: HttpRequest, code: str, year: int) -> selectors.ReviewReport:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404("No such year.")
    return selectors.review_report(request.user, code, year)


@login_required
def report(request: HttpRequest, code: str, year: int) -> HttpResponse:
    review = _review(request, code, year)
    if request.GET.get("format") == "pdf":
        body = review_report_pdf(review, get_language() or "zh-hans")
        return file_response(body, PDF_TYPE, f"responsibility-{code}-{year}.pdf")
    exported = export_response(request, selectors.report_table(review))
    if exported is not None:
        return exported
    return _render_report(request, review, TargetForm())


def _render_report(
    request: HttpRequest, review: selectors.ReviewReport, form: TargetForm, status: int = 200
) -> HttpResponse:
    context = {
        "review": review,
        "table": selectors.report_table(review),
        "form": form if may_set_targets(request.user, review.unit) else None,
        "catalogue": CATALOGUE.values(),
        "xlsx_type": XLSX_TYPE,
    }
    return render(request, "insight_responsibility/report.html", context, status=status)


@login_required
@require_POST
def target(request: HttpRequest, code: str, year: int) -> HttpResponse:
    review = _review(request, code, year)
    if not may_set_targets(request.user, review.unit):
        raise PermissionDenied
    form = TargetForm(request.POST)
    if form.is_valid():
        try:
            target_set(actor=request.user, data=_input(code, year, form.cleaned_data))
        except ValidationError as error:
            _attach(form, error)
        else:
            messages.success(request, _("目标已保存 Target saved"))
            return redirect("insight:responsibility_report", code=code, year=year)
    return _render_report(request, review, form, status=422)


def _input(code: str, year: int, data: dict[str, Any]) -> TargetInput:
    return TargetInput(
        unit=code,
        year=year,
        indicator=data["indicator"],
        target_value=data["target_value"],
        weight=data["weight"],
        tolerance=data["tolerance"],
    )


def _attach(form: TargetForm, error: ValidationError) -> None:
    for field, problems in error.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)


@login_required
@require_POST
def score(request: HttpRequest) -> HttpResponse:
    if not may_score(request.user):
        raise PermissionDenied
    year, error = _year(request.POST.get("year"), legal_day().year)
    if error:
        messages.error(request, error)
        return redirect(reverse("insight:responsibility"))
    try:
        stored = scores_compute(year=year, as_of=legal_day(), actor=request.user)
    except ValidationError as refused:
        messages.error(request, "; ".join(refused.messages))
    else:
        messages.success(request, _("已计分 %(n)s 个单位 Scored %(n)s units") % {"n": len(stored)})
    return redirect(f"{reverse('insight:responsibility')}?year={year}")
