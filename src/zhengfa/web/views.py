"""Pages of the web shell: sign-in, the home page of each role, the grid map, health."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext

from zhengfa.org.models import User
from zhengfa.web import throttle
from zhengfa.web.roles import ROLE_DUTIES, links_for


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability, for load balancers and `make run`."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's sign-in form behind the login throttle (``zhengfa.web.throttle``): a
    locked username+address pair or address gets a form error and no password check."""

    def clean(self) -> dict[str, Any]:
        username = str(self.cleaned_data.get("username") or "")
        address = throttle.client_address(self.request)  # type: ignore[arg-type]
        try:
            throttle.login_gate(username, address)
        except throttle.LoginLocked as locked:
            minutes = locked.retry_after // 60 + 1
            message = gettext("Too many failed sign-ins. Try again in %(minutes)s minutes.")
            raise ValidationError(message % {"minutes": minutes}, code="locked") from None
        try:
            cleaned = super().clean()
        except ValidationError:
            throttle.login_failed(username, address)
            raise
        throttle.login_succeeded(username, address)
        return cleaned


class SignInView(LoginView):
    """Django's login view (it audits through the auth signals) with our template and the
    login throttle; a locked-out attempt answers 429 with the form and its error."""

    template_name = "web/login.html"
    redirect_authenticated_user = True
    authentication_form = ThrottledAuthenticationForm

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_invalid(form)
        if form.has_error("__all__", code="locked"):
            response.status_code = 429
        return response


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    context: dict[str, Any] = {
        "duties": ROLE_DUTIES.get(user.role, ""),
        "links": [(reverse(link.url_name), link.label) for link in links_for(user.role)],
        "place": user.unit or user.region,
    }
    return render(request, "web/home.html", context)


def _map_text() -> dict[str, str]:
    """Words the map script shows, translated here so the script stays language-free."""
    return {
        "loaded": gettext("%(count)s grids in your scope"),
        "empty": gettext("No grids are in your scope."),
        "failed": gettext("The grids could not be loaded. Reload the page to try again."),
        "code": gettext("Code"),
        "village": gettext("Village/community"),
        "county": gettext("County/district"),
    }


@login_required
def grid_map(request: HttpRequest) -> HttpResponse:
    context = {"grids_url": reverse("api-v1:grid_list"), "map_text": _map_text()}
    return render(request, "web/map.html", context)
