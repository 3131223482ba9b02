"""Pages of the online service hall (citizens) and the processing desk (staff).

Thin: forms parse, services decide, selectors read. Bad input re-renders the form with
the values kept and the field's message; nothing is stored half-way.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhengfa.flow.models import Clock
from zhengfa.org.scoping import get_for_user
from zhengfa.portal import selectors, services
from zhengfa.portal.abuse import RateLimited, throttle_submission
from zhengfa.portal.common import clean_phone, phone_hash
from zhengfa.portal.forms import (
    ApplyForm,
    RateForm,
    SignUpForm,
    StaffActionForm,
    SupplyForm,
    TrackForm,
)
from zhengfa.portal.models import Application, Attachment, Channel, Handover, ServiceItem
from zhengfa.portal.services import Submission

LARGE_TEXT_COOKIE = "zf_large_text"


def _page(request: HttpRequest, template: str, status: int = 200, **context: Any) -> HttpResponse:
    context["large_text"] = request.COOKIES.get(LARGE_TEXT_COOKIE) == "1"
    return render(request, f"portal/{template}", context, status=status)


# Service field names that the forms call otherwise.
FORM_FIELD = {"files": "attachments", "missing": "text", "reason": "text", "outcome": "text"}


def _add_errors(form: Any, error: ValidationError) -> None:
    for field, problems in error.message_dict.items():
        name = FORM_FIELD.get(field, field)
        form.add_error(name if name in form.fields else None, problems)


def client_address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", "unknown"))


# --- citizens -------------------------------------------------------------------------------


def index(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    return _page(request, "index.html", groups=selectors.catalogue(query), query=query)


def item_detail(request: HttpRequest, code: str) -> HttpResponse:
    item = get_object_or_404(ServiceItem, code=code, active=True)
    record = selectors.item_record(item)
    return _page(
        request,
        "item.html",
        item=item,
        record=record,
        average=selectors.human_duration(record.average),
        handover_url=_handover_url(item),
    )


def _handover_url(item: ServiceItem) -> str:
    """Where a handed-over item is filed, when that domain's page exists."""
    from django.urls import NoReverseMatch, reverse

    names: dict[str, str] = {
        Handover.DISPUTES: "disputes:report",
        Handover.COURTS: "courts:filing_new",
    }
    if item.handover not in names:
        return ""
    try:
        return reverse(names[item.handover])
    except NoReverseMatch:
        return ""


def apply(request: HttpRequest, code: str) -> HttpResponse:
    item = get_object_or_404(ServiceItem, code=code, active=True, handover=Handover.PORTAL)
    needs_birth = bool(item.min_age)
    if request.method != "POST":
        form = ApplyForm(
            initial={"idempotency_key": uuid.uuid4().hex}, needs_birth_date=needs_birth
        )
        return _page(request, "apply.html", item=item, form=form)
    form = ApplyForm(request.POST, request.FILES, needs_birth_date=needs_birth)
    if form.is_valid():
        try:
            application = _submit(request, item, form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        except RateLimited as limited:
            form.add_error(None, str(limited))
        else:
            request.session["portal_proof"] = selectors.applicant_proof(application)
            return redirect("portal:track_detail", receipt=application.receipt)
    return _page(request, "apply.html", item=item, form=form, status=400)


def _submit(request: HttpRequest, item: ServiceItem, data: dict[str, Any]) -> Application:
    phone = clean_phone(data["phone"])
    if not request.user.is_authenticated:
        throttle_submission(client=client_address(request), phone_hash=phone_hash(phone))
    application, _created = services.application_submit(
        actor=request.user,
        submission=Submission(
            item=item,
            region_code=data["region"],
            name=data["name"],
            phone=phone,
            details=data.get("details", ""),
            birth_date=data.get("birth_date"),
            channel=Channel.ONLINE,
            idempotency_key=f"web:{data['idempotency_key']}"[:80],
        ),
        files=data.get("attachments") or [],
    )
    return application


def track(request: HttpRequest) -> HttpResponse:
    """Progress lookup without logging in: receipt number + the phone used to apply."""
    form = TrackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        found = selectors.application_by_receipt(form.cleaned_data["receipt"])
        try:
            if found is None:
                raise PermissionDenied
            services.check_applicant(found, phone=form.cleaned_data["phone"])
        except (PermissionDenied, ValidationError):
            form.add_error(None, _("The receipt number and phone number do not match."))
        else:
            request.session["portal_proof"] = selectors.applicant_proof(found)
            return redirect("portal:track_detail", receipt=found.receipt)
    return _page(request, "track.html", form=form)


def _proven(request: HttpRequest, receipt: str) -> tuple[Application, str]:
    proof = request.session.get("portal_proof", "")
    found = selectors.application_by_proof(proof)
    if found is None or found.receipt != receipt:
        raise PermissionDenied
    return found, proof


def track_detail(request: HttpRequest, receipt: str) -> HttpResponse:
    try:
        application, proof = _proven(request, receipt)
    except PermissionDenied:
        return redirect("portal:track")
    rate_form, supply_form = RateForm(), SupplyForm()
    if request.method == "POST":
        handled = _applicant_post(request, application, proof)
        if handled is None:
            return redirect("portal:track_detail", receipt=receipt)
        rate_form, supply_form = handled
    return _page(
        request,
        "track_detail.html",
        application=application,
        steps=application.steps.all(),
        rate_form=rate_form,
        supply_form=supply_form,
        limit_clock=Clock.objects.filter(matter_id=application.pk, purpose="overall").first(),
    )


def _applicant_post(
    request: HttpRequest, application: Application, proof: str
) -> tuple[RateForm, SupplyForm] | None:
    """Rate or hand in material; None when done, else the forms with their errors."""
    rate_form, supply_form = RateForm(), SupplyForm()
    try:
        if "stars" in request.POST:
            rate_form = RateForm(request.POST)
            if not rate_form.is_valid():
                return rate_form, supply_form
            services.application_rate(
                application=application,
                stars=rate_form.cleaned_data["stars"],
                comment=rate_form.cleaned_data["comment"],
                proof=proof,
            )
            messages.success(request, _("Thank you for your rating."))
            return None
        supply_form = SupplyForm(request.POST, request.FILES)
        if supply_form.is_valid():
            services.application_supply_material(
                application=application,
                files=supply_form.cleaned_data["attachments"],
                note=supply_form.cleaned_data["note"],
                proof=proof,
            )
            messages.success(request, _("Your material was handed in."))
            return None
    except ValidationError as error:
        _add_errors(rate_form if "stars" in request.POST else supply_form, error)
    return rate_form, supply_form


def signup(request: HttpRequest) -> HttpResponse:
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            throttle_submission(client=client_address(request), phone_hash=None)
            user = services.citizen_sign_up(
                username=form.cleaned_data["username"],
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password"],
                region_code=form.cleaned_data["region"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        except RateLimited as limited:
            form.add_error(None, str(limited))
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("portal:mine")
    return _page(request, "signup.html", form=form)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    return _page(request, "mine.html", applications=selectors.my_applications(request.user))


@require_POST
def text_size(request: HttpRequest) -> HttpResponse:
    """Large-text mode: a cookie, so it works without JavaScript and survives pages."""
    target = request.POST.get("next", "/portal/")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        target = "/portal/"
    response = redirect(target)
    large = request.POST.get("large") == "1"
    response.set_cookie(
        LARGE_TEXT_COOKIE, "1" if large else "0", max_age=365 * 86400, samesite="Lax"
    )
    return response


# --- staff -------------------------------------------------------------------------------


@login_required
def desk(request: HttpRequest) -> HttpResponse:
    rows = list(selectors.staff_applications(request.user)[:200])
    return _page(request, "desk.html", rows=rows)


STAFF_ACTIONS = {
    "accept": lambda actor, app, text: services.application_accept(
        actor=actor, application=app, note=text
    ),
    "request_material": lambda actor, app, text: services.application_request_material(
        actor=actor, application=app, missing=text
    ),
    "resume": lambda actor, app, text: services.application_resume(
        actor=actor, application=app, note=text
    ),
    "complete": lambda actor, app, text: services.application_complete(
        actor=actor, application=app, outcome=text
    ),
    "refuse": lambda actor, app, text: services.application_refuse(
        actor=actor, application=app, reason=text
    ),
}


@login_required
def desk_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_for_user(
        Application.objects.select_related("item", "matter", "matter__unit"), request.user, pk=pk
    )
    form = StaffActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _staff_act(request.user, application, form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Done."))
            return redirect("portal:desk_detail", pk=pk)
    return _page(
        request,
        "desk_detail.html",
        application=application,
        form=form,
        clocks=Clock.objects.filter(matter_id=application.pk).order_by("pk"),
        steps=application.steps.all(),
        attachments=application.attachments.all(),
    )


def _staff_act(actor: Any, application: Application, data: dict[str, Any]) -> None:
    from zhengfa.portal.open311_services import open311_request_close

    action, text = data["action"], data["text"]
    if action == "close":
        open311_request_close(actor=actor, application=application, notes=text)
        return
    STAFF_ACTIONS[action](actor, application, text)


@login_required
def desk_file(request: HttpRequest, pk: int) -> FileResponse:
    attachment = Attachment.objects.filter(pk=pk).first()
    if attachment is None:
        raise Http404
    try:
        handle = services.attachment_open(actor=request.user, attachment=attachment)
    except PermissionDenied:
        raise Http404 from None
    return FileResponse(
        handle, content_type=attachment.content_type, filename=attachment.original_name
    )
