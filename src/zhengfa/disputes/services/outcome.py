"""The end of a mediation: the outcome (agreement with terms and signed copy, partial,
failed with the referral), the return visit (回访) that closes the dispute, and judicial
confirmation (司法确认) of an agreement by the competent basic court.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction

from zhengfa.clock import Clock as LegalClock
from zhengfa.courts.models import CourtCase
from zhengfa.courts.services import confirmation_case_file
from zhengfa.courts.workflow.confirmation import confirmation_case_decide
from zhengfa.disputes.models import (
    Confirmation,
    ConfirmationStatus,
    Dispute,
    Outcome,
    Referral,
    ReturnVisit,
    Satisfaction,
    Way,
)
from zhengfa.disputes.services.common import record, require_role
from zhengfa.flow.common import invalid, legal_day, now
from zhengfa.flow.models import Matter, MatterStatus, Notice
from zhengfa.flow.notices import build
from zhengfa.flow.photos import MAX_BYTES, PhotoInput, files_removed_on_failure, photo_check
from zhengfa.flow.services.matters import matter_move
from zhengfa.org.models import Unit, UnitKind, User
from zhengfa.org.roles import Role

CONCLUDERS = (
    Role.GRID_WORKER,
    Role.MEDIATOR,
    Role.DEPT_LIAISON,
    Role.CENTRE_OPERATOR,
    Role.POLICE_OFFICER,
)
APPLICANTS = (Role.MEDIATOR, Role.DEPT_LIAISON, Role.CENTRE_OPERATOR)
PDF_MAGIC = b"%PDF-"


def _in_scope(actor: Any, matter: Matter) -> None:
    if not Matter.objects.for_user(actor, "change").filter(pk=matter.pk).exists():
        raise PermissionDenied("this dispute is outside your jurisdiction")


def dispute_conclude(
    *,
    actor: Any,
    dispute: Dispute,
    outcome: str,
    terms: str = "",
    signed_copy: PhotoInput | None = None,
    referral: str = "",
    agreement_on: date | None = None,
) -> Dispute:
    """Record the outcome. On the spot (当场调) the reporter records it at once."""
    require_role(actor, CONCLUDERS, "record a mediation outcome")
    matter = dispute.matter
    _in_scope(actor, matter)
    _check_outcome(dispute, outcome, terms, signed_copy, referral)
    if actor.role == Role.GRID_WORKER and dispute.way != Way.ON_THE_SPOT:
        raise PermissionDenied(
            "a grid worker records outcomes only of disputes settled on the spot"
        )
    with files_removed_on_failure() as stored, transaction.atomic():
        matter_move(actor=actor, matter=matter, to_stage="concluded", version=matter.version)
        dispute.outcome, dispute.outcome_at, dispute.outcome_by = outcome, now(), actor
        dispute.agreement_terms = terms.strip()
        dispute.referral = referral
        dispute.agreement_on = (agreement_on or legal_day()) if outcome != Outcome.FAILED else None
        if signed_copy is not None:
            name = f"{dispute.pk}-{_signed_name(signed_copy)}"
            dispute.signed_copy.save(name, ContentFile(signed_copy.content), save=False)
            stored.append(str(dispute.signed_copy.name))
        dispute.save()
        record(
            actor=actor,
            action="conclude",
            subject=dispute,
            new={"outcome": outcome, "referral": referral, "signed_copy": bool(signed_copy)},
        )
    return dispute


def _check_outcome(
    dispute: Dispute, outcome: str, terms: str, signed: PhotoInput | None, referral: str
) -> None:
    if dispute.matter.stage not in ("reported", "mediating"):
        raise invalid("stage", "the outcome is already recorded")
    if dispute.matter.stage == "reported" and dispute.way != Way.ON_THE_SPOT:
        raise invalid("stage", "route the dispute first; accepted: a dispute being mediated")
    if outcome not in Outcome.values:
        raise invalid("outcome", f"accepted: {', '.join(Outcome.values)}")
    if outcome != Outcome.FAILED and not terms.strip():
        raise invalid("terms", "an agreement states its terms")
    if outcome == Outcome.AGREEMENT and signed is None:
        raise invalid("signed_copy", "upload the signed agreement (PDF, JPEG, PNG or WebP)")
    if signed is not None:
        _check_signed(signed)
    if outcome == Outcome.FAILED and referral not in Referral.values:
        raise invalid(
            "referral", f"a failed mediation names the route: {', '.join(Referral.values)}"
        )
    if outcome != Outcome.FAILED and referral:
        raise invalid("referral", "only a failed mediation is referred")


def _check_signed(signed: PhotoInput) -> None:
    """A scanned agreement: a PDF (by its signature) or a real image."""
    if signed.content.startswith(PDF_MAGIC):
        if len(signed.content) > MAX_BYTES:
            raise invalid("signed_copy", "at most 8 MB")
        return
    photo_check(signed, "signed_copy")


def _signed_name(signed: PhotoInput) -> str:
    return "agreement.pdf" if signed.content.startswith(PDF_MAGIC) else "agreement-scan"


def dispute_return_visit(
    *, actor: Any, dispute: Dispute, satisfaction: int, performed: bool = True, note: str = ""
) -> ReturnVisit:
    """回访: satisfaction recorded; the first visit after the outcome closes the dispute."""
    require_role(actor, CONCLUDERS, "record a return visit")
    matter = dispute.matter
    _in_scope(actor, matter)
    if satisfaction not in Satisfaction.values:
        raise invalid("satisfaction", "accepted: 1 (very unsatisfied) to 5 (very satisfied)")
    if not dispute.outcome:
        raise invalid("stage", "a return visit follows the outcome; record the outcome first")
    with transaction.atomic():
        visit = ReturnVisit.objects.create(
            dispute=dispute,
            at=now(),
            by=actor,
            satisfaction=satisfaction,
            performed=performed,
            note=note.strip(),
        )
        if matter.stage == "concluded":
            matter_move(actor=actor, matter=matter, to_stage="closed", version=matter.version)
        record(
            actor=actor,
            action="return_visit",
            subject=dispute,
            new={"satisfaction": satisfaction, "performed": performed},
        )
    return visit


def competent_court(dispute: Dispute) -> Unit:
    """The basic court of the county where the mediating organisation sits (人民调解法
    art. 33; CPL (2023) art. 205(1))."""
    unit = dispute.matter.unit
    county = unit.region_id[:6] if len(unit.region_id) >= 6 else dispute.matter.region_id[:6]
    court = Unit.objects.filter(kind=UnitKind.COURT, level="county", region_id=county).first()
    if court is None:
        raise invalid("court", f"no basic court is registered for {county}")
    return court


def dispute_confirmation_apply(*, actor: Any, dispute: Dispute) -> Confirmation:
    """Send the agreement to the competent basic court, within 30 days of its taking effect
    (人民调解法 art. 33; the limit ``mediation.confirm.apply`` of the legal clock)."""
    require_role(actor, APPLICANTS, "apply for judicial confirmation")
    _in_scope(actor, dispute.matter)
    if dispute.outcome not in (Outcome.AGREEMENT, Outcome.PARTIAL) or dispute.agreement_on is None:
        raise invalid("outcome", "only a mediation agreement can be confirmed")
    if Confirmation.objects.filter(dispute=dispute).exists():
        raise invalid("dispute", "confirmation was already applied for")
    last_day = LegalClock.start_under("mediation.confirm.apply", dispute.agreement_on).due_on
    if legal_day() > last_day:
        raise invalid(
            "agreement_on",
            f"the 30 days to apply ended on {last_day:%Y-%m-%d} (人民调解法 art. 33)",
        )
    court = competent_court(dispute)
    with transaction.atomic():
        confirmation = Confirmation.objects.create(
            dispute=dispute, court=court, applied_at=now(), applied_by=actor
        )
        record(actor=actor, action="confirmation_apply", subject=dispute, new={"court": court.pk})
        _tell(
            User.objects.filter(unit=court, role=Role.COURT_REGISTRAR, is_active=True),
            f"司法确认申请 Application for confirmation: {dispute.matter.title}",
            dispute.matter,
        )
    return confirmation


def confirmation_accept(*, actor: Any, confirmation: Confirmation) -> Confirmation:
    """The court's registry accepts (受理) the application: it arrives in the courts module
    as a 民特 case with its number (``zhengfa.courts.services.confirmation_case_file``),
    whose 15-day decision limit starts."""
    require_role(actor, (Role.COURT_REGISTRAR,), "accept an application for confirmation")
    if actor.unit_id != confirmation.court_id:
        raise PermissionDenied("the application was sent to another court")
    if confirmation.status != ConfirmationStatus.APPLIED:
        raise invalid("status", "the application is already accepted")
    with transaction.atomic():
        confirmation.matter = confirmation_case_file(
            actor=actor, court=confirmation.court, dispute=confirmation.dispute
        )
        confirmation.case_number = CourtCase.objects.get(matter=confirmation.matter).number
        confirmation.status = ConfirmationStatus.ACCEPTED
        confirmation.save()
        record(
            actor=actor,
            action="confirmation_accept",
            subject=confirmation.dispute,
            new={"case": confirmation.matter.pk, "case_number": confirmation.case_number},
        )
    return confirmation


def confirmation_decide(
    *, actor: Any, confirmation: Confirmation, confirmed: bool, note: str = ""
) -> Confirmation:
    """The judge of the court's case rules (confirmed or rejected, closing the case); the
    result reports back to the dispute (its timeline and its holder's inbox)."""
    require_role(actor, (Role.JUDGE,), "decide on judicial confirmation")
    if confirmation.matter is None:
        raise invalid("status", "the court's registry has not accepted the application yet")
    case = CourtCase.objects.select_related("matter").get(matter=confirmation.matter)
    if not Matter.objects.for_user(actor, "change").filter(pk=case.pk).exists():
        raise PermissionDenied("this case is outside your court")
    if case.matter.status == MatterStatus.CLOSED:
        raise invalid("status", "the application is already decided")
    with transaction.atomic():
        confirmation_case_decide(actor=actor, case=case, confirmed=confirmed, note=note)
        confirmation.status = (
            ConfirmationStatus.CONFIRMED if confirmed else ConfirmationStatus.REJECTED
        )
        confirmation.decided_at, confirmation.decided_by = now(), actor
        confirmation.note = note.strip()
        confirmation.save()
        record(
            actor=actor,
            action="confirmation_decide",
            subject=confirmation.dispute,
            new={"status": confirmation.status, "case_number": confirmation.case_number},
            reason=note,
        )
        dispute_matter = confirmation.dispute.matter
        _tell(
            {confirmation.applied_by, *filter(None, [dispute_matter.owner])},
            f"司法确认 {confirmation.get_status_display()}: {dispute_matter.title}",
            dispute_matter,
            confirmation.case_number,
        )
    return confirmation


def _tell(people: Any, subject: str, matter: Matter, body: str = "") -> None:
    Notice.objects.bulk_create([build(p, subject[:200], body, matter) for p in people])
