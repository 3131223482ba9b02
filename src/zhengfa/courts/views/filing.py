"""Filing pages: the citizen's online filing (网上立案) and their filings, the registry's
queue and a filing's review (accept → case number, reject with reasons, ask for material),
and the higher court's registry receiving transferred appeals."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from zhengfa.courts import reports
from zhengfa.courts.forms import (
    COUNTER_PROCEDURES,
    ONLINE_PROCEDURES,
    FilingForm,
    MaterialForm,
    ReasonsForm,
)
from zhengfa.courts.models import CauseKind, Filing, FilingStatus
from zhengfa.courts.selectors import catalogue_notice, causes_in_force, causes_of
from zhengfa.courts.views.common import attempt
from zhengfa.courts.workflow import appeals, filing
from zhengfa.flow.common import legal_day
from zhengfa.org.models import Unit, UnitKind
from zhengfa.org.roles import Role

CAUSE_KINDS = (CauseKind.CIVIL, CauseKind.ADMINISTRATIVE, CauseKind.CRIMINAL)


def _causes(kinds: tuple[str, ...]) -> tuple[list[tuple[str, list[tuple[str, str]]]], list[str]]:
    """The causes in force today, one group per kind, and a notice for each kind without a
    catalogue in force (the form says so rather than offering a stale list)."""
    today = legal_day()
    groups, notices = [], []
    for kind in kinds:
        catalogue = causes_in_force(kind, today)
        if catalogue is None:
            notices.append(catalogue_notice(kind, today))
            continue
        options = [
            (c.code, f"{'　' * (c.level - 1)}{c.name}")
            for c in causes_of(catalogue).only("code", "name", "level")
        ]
        groups.append((catalogue.label, options))
    return groups, notices


def _filing_form(request: HttpRequest) -> tuple[FilingForm, list[str]]:
    user: Any = request.user
    counter = user.role == Role.COURT_REGISTRAR
    courts = Unit.objects.filter(kind=UnitKind.COURT).exclude(court_code="")
    if counter:
        courts = courts.filter(pk=user.unit_id)
    kinds = CAUSE_KINDS if counter else CAUSE_KINDS[:2]
    causes, notices = _causes(kinds)
    form = FilingForm(
        request.POST or None,
        request.FILES or None,
        courts=[(u.code, u.name) for u in courts.order_by("code")],
        procedures=COUNTER_PROCEDURES if counter else ONLINE_PROCEDURES,
        causes=causes,
    )
    return form, notices


@login_required
def filing_new(request: HttpRequest) -> HttpResponse:
    form, notices = _filing_form(request)
    if request.method == "POST":
        created = attempt(form, lambda data: _submit(request, data))
        if created is not None:
            return redirect("courts:filing", pk=created.pk)
    return render(request, "courts/filing_new.html", {"form": form, "notices": notices})


def _submit(request: HttpRequest, data: dict[str, Any]) -> Filing:
    parties = [
        filing.PartyInput(
            side=data[f"party{n}_side"],
            name=data[f"party{n}_name"],
            organisation=data[f"party{n}_organisation"],
            id_number=data[f"party{n}_id_number"],
            phone=data[f"party{n}_phone"],
            address=data[f"party{n}_address"],
        )
        for n in range(3)
        if data[f"party{n}_name"] or data[f"party{n}_organisation"]
    ]
    files = [(str(f.name), f.read()) for f in request.FILES.getlist("attachments")]
    return filing.filing_submit(
        actor=request.user,
        court=Unit.objects.get(code=data["court"]),
        procedure=data["procedure"],
        cause_code=data["cause_code"],
        claims=data["claims"],
        parties=parties,
        enterprise_related=data["enterprise_related"],
        attachments=files,
    )


@login_required
def filing_list(request: HttpRequest) -> HttpResponse:
    """The registry's queue, or a citizen's own filings."""
    user: Any = request.user
    if user.role == Role.CITIZEN:
        rows = reports.filings_for(user).select_related("matter", "court", "case")
        return render(request, "courts/my_filings.html", {"rows": rows.order_by("-pk")})
    context = {"rows": reports.filing_queue(user), "today": legal_day()}
    return render(request, "courts/filing_queue.html", context)


def _filing_page(request: HttpRequest, found: Filing, **extra: Any) -> HttpResponse:
    context = {
        "filing": found,
        "matter": found.matter,
        "parties": found.parties.select_related("person"),
        "attachments": found.attachments.only("name", "size", "sha256"),
        "case": getattr(found, "case", None) if found.status == FilingStatus.ACCEPTED else None,
        "reject_form": extra.pop("reject_form", None) or ReasonsForm(prefix="reject"),
        "material_form": extra.pop("material_form", None) or ReasonsForm(prefix="material"),
        "supply_form": extra.pop("supply_form", None) or MaterialForm(),
        **extra,
    }
    return render(request, "courts/filing.html", context)


@login_required
def filing_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _filing_page(request, reports.filing_for(request.user, pk))


@login_required
@require_POST
def filing_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    found = reports.filing_for(request.user, pk)
    if decision == "accept":
        form = ReasonsForm(request.POST, prefix="accept")
        accepted = attempt(form, lambda _: filing.filing_accept(actor=request.user, filing=found))
        if accepted is not None:  # the code is shown this once; only its hash is kept
            found = reports.filing_for(request.user, pk)
            return _filing_page(request, found, accepted=accepted)
        return _filing_page(request, found, error=form.non_field_errors() or form.errors)
    if decision == "reject":
        form = ReasonsForm(request.POST, prefix="reject")
        done = attempt(
            form,
            lambda d: filing.filing_reject(actor=request.user, filing=found, reasons=d["reasons"]),
        )
        return (
            redirect("courts:filing", pk=pk)
            if done
            else _filing_page(request, found, reject_form=form)
        )
    form = ReasonsForm(request.POST, prefix="material")
    done = attempt(
        form,
        lambda d: filing.filing_request_material(
            actor=request.user, filing=found, missing=d["reasons"]
        ),
    )
    return (
        redirect("courts:filing", pk=pk)
        if done
        else _filing_page(request, found, material_form=form)
    )


@login_required
@require_POST
def filing_supply(request: HttpRequest, pk: int) -> HttpResponse:
    found = reports.filing_for(request.user, pk)
    form = MaterialForm(request.POST)
    done = attempt(
        form,
        lambda d: filing.filing_supply_material(actor=request.user, filing=found, note=d["note"]),
    )
    return (
        redirect("courts:filing", pk=pk) if done else _filing_page(request, found, supply_form=form)
    )


@login_required
def appeals_inbox(request: HttpRequest) -> HttpResponse:
    """A higher court's registry: transferred appeal files waiting to be registered."""
    return render(
        request, "courts/appeals_inbox.html", {"rows": reports.appeals_to_receive(request.user)}
    )


@login_required
@require_POST
def appeal_receive(request: HttpRequest, pk: int) -> HttpResponse:
    original = reports.appeals_to_receive(request.user).filter(pk=pk).first()
    if original is None:
        from django.http import Http404

        raise Http404("No transferred appeal matches the given query.")
    received = appeals.appeal_receive(actor=request.user, original=original)
    return redirect("courts:case", pk=received.pk)
