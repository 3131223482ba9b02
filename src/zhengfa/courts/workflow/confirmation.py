"""诉调对接: a mediation agreement sent for judicial confirmation (司法确认) becomes a court
case of its own type (民特), with its number, its parties (the mediation's parties apply
jointly: CPL (2023) art. 205), the agreement in its dossier and the 15-day decision limit
from acceptance (SPC 司法确认规定 (2011) arts. 4–5, +10 with the president's approval:
the rule ``mediation.confirm.decide``). The ruling closes the case (CPL (2023) art. 206).

Called by ``zhengfa.disputes`` in its own transaction; the dispute records the result.
"""

from __future__ import annotations

import io
import secrets
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from PIL import Image

from zhengfa.courts.models import (
    CaseParty,
    CourtCase,
    Division,
    Filing,
    FilingChannel,
    FilingStatus,
    PanelKind,
    PanelMember,
    PanelRole,
    PartySide,
    Procedure,
)
from zhengfa.courts.procedures import spec_of
from zhengfa.courts.workflow.assignment import case_assign_random, require_panel
from zhengfa.courts.workflow.common import audit, require_role, tell_parties, today
from zhengfa.courts.workflow.dossier import SIGNATURES, dossier_add_received
from zhengfa.courts.workflow.filing import case_register
from zhengfa.flow.common import invalid
from zhengfa.flow.services.matters import matter_assign, matter_move, matter_open
from zhengfa.org.models import Unit, UnitKind, User
from zhengfa.org.roles import Role

if TYPE_CHECKING:
    from zhengfa.disputes.models import Dispute

PROCEDURE = Procedure.CIVIL_CONFIRMATION
RULINGS = {
    True: ("confirmed", "裁定确认调解协议有效 Agreement confirmed"),
    False: ("rejected", "裁定驳回申请 Application rejected"),
}


def confirmation_case_file(
    *, actor: Any, court: Unit, dispute: Dispute, on: date | None = None
) -> CourtCase:
    """The court's registry accepts (受理) an application for confirmation: a filing record,
    the 民特 case with its number and overall limit, the parties, the agreement (and its
    signed copy) in the dossier, and a judge."""
    require_role(actor, (Role.COURT_REGISTRAR,), "accept an application for confirmation")
    if actor.unit_id != court.pk:
        raise PermissionDenied("the application was sent to another court")
    if court.kind != UnitKind.COURT or not court.court_code:
        raise invalid("court", f"{court} is not a court with a court code (法院代字)")
    if not dispute.agreement_terms.strip():
        raise invalid("agreement_terms", "only a mediation agreement with its terms")
    day = on or today()
    claims = f"申请确认人民调解协议有效：{dispute.agreement_terms.strip()}"
    with transaction.atomic():
        filing = _accepted_filing(actor, court, claims, day)
        case = case_register(
            actor=actor,
            court=court,
            procedure=PROCEDURE,
            title=f"司法确认 {dispute.matter.title}"[:80],
            on=day,
            claims=claims,
            verification_code=f"{secrets.randbelow(10**8):08d}",
            filing=filing,
        )
        CaseParty.objects.bulk_create(
            CaseParty(filing=filing, case=case, side=PartySide.JOINT_APPLICANT, person=p.person)
            for p in dispute.parties.select_related("person")
        )
        _agreement_to_dossier(actor, case, dispute)
        _assign_judge(actor, case)
        tell_parties(case, f"已受理司法确认申请 Accepted: {case.number}", "", "CPL (2023) art. 205")
    return case


def _accepted_filing(actor: Any, court: Unit, claims: str, day: date) -> Filing:
    """The application's filing record, accepted on the day it arrives (its review clock
    starts and stops that day)."""
    spec = spec_of(PROCEDURE)
    matter = matter_open(
        actor=actor,
        kind=f"court_filing_{spec.category}",
        title=f"立案审查 {claims[:60]}",
        region_code=court.region_id,
        unit=court,
        on=day,
    )
    matter_move(actor=actor, matter=matter, to_stage="accepted", version=matter.version, on=day)
    return Filing.objects.create(
        matter=matter,
        court=court,
        channel=FilingChannel.COUNTER,
        procedure=PROCEDURE,
        type_code=spec.type_code,
        claims=claims,
        submitted_by=actor,
        submitted_on=day,
        status=FilingStatus.ACCEPTED,
    )


def _agreement_to_dossier(actor: Any, case: CourtCase, dispute: Dispute) -> None:
    terms = f"人民调解协议书\n协议生效日：{dispute.agreement_on}\n\n{dispute.agreement_terms}\n"
    dossier_add_received(actor=actor, case=case, name="调解协议.txt", content=terms.encode())
    if dispute.signed_copy:
        with dispute.signed_copy.open("rb") as signed:
            name, content = _dossier_form(signed.read())
        try:
            dossier_add_received(actor=actor, case=case, name=f"签字协议{name}", content=content)
        except ValidationError as error:
            raise invalid("signed_copy", "; ".join(error.messages)) from None


def _dossier_form(content: bytes) -> tuple[str, bytes]:
    """The signed copy's extension from its first bytes (disputes keeps scans without one);
    an image of a kind the dossier does not take (WebP) is re-encoded as PNG."""
    for extension, signatures in SIGNATURES.items():
        if extension in (".pdf", ".png", ".jpg") and content.startswith(signatures):
            return extension, content
    with Image.open(io.BytesIO(content)) as image:
        png = io.BytesIO()
        image.save(png, format="PNG")
    return ".png", png.getvalue()


def _assign_judge(actor: Any, case: CourtCase) -> None:
    """Random assignment within a team that has a judge; a court without teams gives the
    case to its first active judge, sitting alone (a special procedure: CPL art. 185)."""
    court = case.matter.unit
    division = (
        Division.objects.filter(court=court, members__role=Role.JUDGE, members__is_active=True)
        .order_by("pk")
        .first()
    )
    if division is not None:
        case_assign_random(actor=actor, case=case, division=division)
        return
    judge = User.objects.filter(unit=court, role=Role.JUDGE, is_active=True).order_by("pk").first()
    if judge is None:
        raise invalid("court", f"{court} has no active judge to review the application")
    PanelMember.objects.create(case=case, judge=judge, role=PanelRole.SOLE)
    case.panel_kind = PanelKind.SOLE
    case.save(update_fields=["panel_kind"])
    matter_assign(
        actor=actor,
        matter=case.matter,
        owner=judge,
        version=case.matter.version,
        reason="司法确认 sole judge (no team configured)",
    )


def confirmation_case_decide(
    *, actor: Any, case: CourtCase, confirmed: bool, note: str = "", on: date | None = None
) -> CourtCase:
    """The ruling: the agreement confirmed or the application rejected; the case closes
    and its clocks stop (CPL (2023) art. 206). The caller reports back to the dispute."""
    if case.procedure != PROCEDURE:
        raise invalid("case", f"{case.number} is not a judicial confirmation case")
    require_panel(actor, case)
    if case.matter.stage != "reviewing":
        raise invalid("status", "the application is already decided")
    stage, outcome = RULINGS[confirmed]
    day = on or today()
    with transaction.atomic():
        matter_move(
            actor=actor,
            matter=case.matter,
            to_stage=stage,
            version=case.matter.version,
            note=note,
            on=day,
        )
        case.judged_on, case.outcome = day, outcome[:64]
        case.save(update_fields=["judged_on", "outcome"])
        tell_parties(case, f"{outcome}: {case.number}", note, "CPL (2023) art. 206")
        audit(actor=actor, action="confirmation.decide", subject=case, new={"stage": stage})
    return case
