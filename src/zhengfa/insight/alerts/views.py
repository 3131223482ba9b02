"""Pages: trend alerts (strongest first, with filters), an alert with its chart and reason,
the task list issued from it, and the weekly report subscription. Thin: forms parse,
services decide, selectors read through ``for_user``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.views.decorators.http import require_POST

from zhengfa.disputes.forms import add_service_errors
from zhengfa.disputes.models import JointAnalysis
from zhengfa.disputes.services.analysis import CONVENERS
from zhengfa.insight.alerts import selectors, services
from zhengfa.insight.alerts.chart import alert_chart
from zhengfa.insight.alerts.forms import AlertFilterForm, AlertTasksForm, SubscriptionForm
from zhengfa.insight.alerts.selectors import AlertFilters
from zhengfa.org.models import UnitKind

CONVENING_UNITS = (UnitKind.GOVERNANCE_CENTRE, UnitKind.COMMISSION)


@login_required
def alert_list(request: HttpRequest) -> HttpResponse:
    form = AlertFilterForm(request.GET or None)
    filters = AlertFilters(**form.cleaned_data) if form.is_valid() else AlertFilters()
    context = {
        "form": form,
        "rows": selectors.alerts_for(request.user, filters),
        "weeks": selectors.alert_weeks(request.user),
        "english": _english(),
    }
    return render(request, "insight_alerts/list.html", context)


def _english() -> bool:
    return (translation.get_language() or "").startswith("en")


def _alert_page(
    request: HttpRequest, pk: int, form: forms.Form | None = None, status: int = 200
) -> HttpResponse:
    alert = selectors.alert_for(request.user, pk)
    analyses = JointAnalysis.objects.for_user(request.user).filter(trend_alert__alert=alert)
    context = {
        "alert": alert,
        "chart": alert_chart(alert),
        "english": _english(),
        "analyses": list(analyses),
        "can_issue": _convenes(request.user),
        "form": form or AlertTasksForm(),
    }
    return render(request, "insight_alerts/detail.html", context, status=status)


def _convenes(user: Any) -> bool:
    """A centre operator or commission member of a centre or commission unit."""
    unit = getattr(user, "unit", None)
    return user.role in CONVENERS and unit is not None and unit.kind in CONVENING_UNITS


@login_required
def alert_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _alert_page(request, pk)


@login_required
@require_POST
def alert_tasks(request: HttpRequest, pk: int) -> HttpResponse:
    alert = selectors.alert_for(request.user, pk)
    form = AlertTasksForm(request.POST)
    if form.is_valid():
        try:
            link = services.alert_tasks_issue(
                actor=request.user,
                alert=alert,
                decision=form.cleaned_data["decision"],
                tasks=form.cleaned_data["tasks"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            return redirect("disputes:analysis", pk=link.analysis_id)
    return _alert_page(request, pk, form, status=422)


@login_required
def subscription(request: HttpRequest) -> HttpResponse:
    current = selectors.subscription_of(request.user)
    initial = {
        "email": current.email if current else request.user.email,  # type: ignore[union-attr]
        "language": current.language if current else translation.get_language(),
        "attachment": current.attachment if current else "",
    }
    form = SubscriptionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.subscription_save(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            return redirect("insight:alerts_subscription")
    status = 422 if form.errors else 200
    context = {"form": form, "current": current}
    return render(request, "insight_alerts/subscription.html", context, status=status)


@login_required
@require_POST
def subscription_cancel(request: HttpRequest) -> HttpResponse:
    services.subscription_cancel(actor=request.user)
    return redirect("insight:alerts_subscription")
