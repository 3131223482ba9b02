"""Appeals: the appeal is filed with the first-instance court, the other side is served,
the file goes up within its limit, and the higher court registers the appeal as a new
case (民终 / 刑终 / 行终) linked to the original. A transfer made after its clock ran out is
a late transfer (超期移送): ``reports.late_transfers`` lists it with who held it."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from zhengfa.courts.models import CaseParty, CourtCase, PartySide
from zhengfa.courts.procedures import APPEAL_PROCEDURE
from zhengfa.courts.workflow.common import audit, require_change, tell_parties, today
from zhengfa.courts.workflow.dossier import dossier_generate
from zhengfa.courts.workflow.trial import _expect_stage, _move
from zhengfa.flow.common import invalid
from zhengfa.org.roles import Role

SWAP: dict[str, str] = {
    PartySide.PLAINTIFF: PartySide.APPELLEE,
    PartySide.DEFENDANT: PartySide.APPELLEE,
    PartySide.THIRD_PARTY: PartySide.THIRD_PARTY,
}


def appeal_file(
    *, actor: Any, case: CourtCase, appellant: CaseParty, on: date | None = None
) -> CourtCase:
    """The appeal petition arrives within the appeal period."""
    require_change(actor, case.matter)
    _expect_stage(case, "appeal_period")
    if appellant.case_id != case.pk:
        raise invalid("appellant", "the appellant must be a party of this case")
    day = on or today()
    clock = case.matter.clocks.filter(purpose="stage:appeal_period").first()
    if clock is not None and day > clock.due_on:
        raise invalid("on", f"the appeal period ended on {clock.due_on}; the appeal is late")
    with transaction.atomic():
        appellant.side = PartySide.APPELLANT
        appellant.save(update_fields=["side"])
        # criminal and administrative cases have no copy-service stage of their own here
        _move(actor, case, "appeal_filed", day, f"上诉 appeal by {appellant.public_name}")
        tell_parties(
            case, "已收到上诉状 Appeal received", appellant.public_name, "CPL (2023) arts. 171, 173"
        )
        audit(actor=actor, action="appeal.file", subject=case, new={"appellant": appellant.pk})
    return case


def appeal_serve(*, actor: Any, case: CourtCase, on: date | None = None) -> CourtCase:
    """The appeal copy is served on the other side: their answer period starts."""
    require_change(actor, case.matter)
    _expect_stage(case, "appeal_filed")
    day = on or today()
    with transaction.atomic():
        _move(actor, case, "appeal_answer", day, "上诉状副本已送达 appeal copy served")
        dossier_generate(
            actor=actor,
            case=case,
            template="service_record",
            context={"document": "上诉状副本 appeal copy", "served_on": day},
        )
    return case


def appeal_answer_close(*, actor: Any, case: CourtCase, on: date | None = None) -> CourtCase:
    """The answer is in (or its period ran): the transfer clock starts."""
    require_change(actor, case.matter)
    _expect_stage(case, "appeal_answer")
    _move(actor, case, "transfer", on, "答辩期结束 answer period over")
    return case


def appeal_transfer(*, actor: Any, case: CourtCase, on: date | None = None) -> CourtCase:
    """The file goes to the higher court (the transfer letter goes into the dossier)."""
    require_change(actor, case.matter)
    _expect_stage(case, "transfer")
    higher = case.matter.unit.parent
    if higher is None:
        raise invalid("case", "this court has no higher court on the platform")
    day = on or today()
    with transaction.atomic():
        dossier_generate(
            actor=actor,
            case=case,
            template="transfer_letter",
            context={"higher": higher, "sent_on": day},
        )
        _move(actor, case, "archive", day, f"移送 {higher.name}")
        tell_parties(case, f"案卷已移送 File sent to {higher.name}", "", "CPL (2023) art. 174(2)")
        audit(actor=actor, action="appeal.transfer", subject=case, new={"to": higher.pk})
    return case


def appeal_receive(*, actor: Any, original: CourtCase, on: date | None = None) -> CourtCase:
    """The higher court's registry registers the appeal as a linked second-instance case."""
    from zhengfa.courts.workflow.filing import case_register

    if actor.role != Role.COURT_REGISTRAR or actor.unit_id != getattr(
        original.matter.unit.parent, "pk", None
    ):
        raise PermissionDenied("the higher court's registry receives the appeal")
    if original.matter.stage not in ("archive", "archived") or original.appeals.exists():
        raise invalid("original", "the file has not been transferred, or was received already")
    day = on or today()
    with transaction.atomic():
        case = case_register(
            actor=actor,
            court=actor.unit,
            procedure=APPEAL_PROCEDURE[original.category],
            title=f"{original.number} 上诉",
            on=day,
            cause=original.cause,
            claims=original.claims,
            enterprise_related=original.matter.enterprise_related,
            original=original,
        )
        for party in original.parties.all():
            CaseParty.objects.create(
                filing=party.filing,
                case=case,
                side=party.side
                if party.side == PartySide.APPELLANT
                else SWAP.get(party.side, party.side),
                person=party.person,
                organisation=party.organisation,
                name_masked=party.name_masked,
                account=party.account,
            )
        tell_parties(
            case,
            f"二审立案 Appeal registered: {case.number}",
            original.number,
            "CPL (2023) art. 183",
        )
        tell_parties(
            original, f"二审已立案 Appeal registered as {case.number}", "", "CPL (2023) art. 183"
        )
        audit(actor=actor, action="appeal.receive", subject=case, new={"original": original.number})
    return case
