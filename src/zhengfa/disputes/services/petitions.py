"""Letters and visits (信访) under 信访工作条例 (2022), as a channel that protects the
complainant.

Receipt: a numbered receipt at once; routing 15 days (art. 22); acceptance told 15 days
(art. 23); handling 60 days, extendable by 30 with the agency head's approval through the
flow approvals (art. 34); review within 30 days of a request made within 30 days of the
reply (art. 35); re-review likewise (art. 36). A review or re-review goes to the agency
one level up. A leader may take personal ownership (包案) of a backlogged petition and is
its owner until it closes. The complainant is a pii Person, masked everywhere; nothing
here lists, counts or searches petitioners as persons.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from zhengfa.clock import Clock as LegalClock
from zhengfa.disputes.flows import PETITION_KIND
from zhengfa.disputes.models import Petition, PetitionDecision, PetitionForm
from zhengfa.disputes.organisations import handler_of
from zhengfa.disputes.services.common import record, require_role
from zhengfa.flow.common import invalid, legal_day, now
from zhengfa.flow.models import Matter, MatterStatus
from zhengfa.flow.services.matters import matter_move, matter_open
from zhengfa.flow.services.transfer import matter_transfer
from zhengfa.org.models import Unit
from zhengfa.org.roles import Role
from zhengfa.pii.services import person_create

RECEIVERS = (Role.DEPT_LIAISON, Role.CENTRE_OPERATOR)
LEADERS = (Role.COMMISSION, Role.CENTRE_OPERATOR, Role.DEPT_LIAISON)


def petition_receive(
    *,
    actor: Any,
    form: str,
    complainant_name: str,
    request: str,
    complainant_phone: str = "",
    complainant_address: str = "",
    region_code: str = "",
) -> Petition:
    """Register a petition and issue its receipt number; the routing limit starts."""
    require_role(actor, RECEIVERS, "register a petition")
    if actor.unit is None:
        raise PermissionDenied("a petition is received by a letters-and-visits office or centre")
    if form not in PetitionForm.values:
        raise invalid("form", f"accepted: {', '.join(PetitionForm.values)}")
    if not request.strip():
        raise invalid("request", "state what the petitioner asks for")
    region = region_code or actor.unit.region_id
    with transaction.atomic():
        person = person_create(
            actor=actor,
            name=complainant_name,
            phone=complainant_phone,
            address=complainant_address,
            region_code=region,
        )
        matter = matter_open(
            actor=actor,
            kind=PETITION_KIND,
            title=f"信访事项 {request.strip()}"[:200],
            region_code=region,
            unit=actor.unit,
            owner=actor,
        )
        petition = Petition.objects.create(
            matter=matter,
            form=form,
            complainant=person,
            request=request.strip(),
            receipt_number=_receipt_number(),
            received_on=legal_day(matter.opened_at),
        )
        record(actor=actor, action="petition_receive", subject=petition, new={"form": form})
    return petition


def _receipt_number() -> str:
    return f"XF{legal_day():%Y%m%d}{secrets.token_hex(4).upper()}"


def petition_route(*, actor: Any, petition: Petition, unit_code: str, note: str = "") -> Petition:
    """转送/交办 to the competent agency (or keep it): it then decides acceptance."""
    unit = Unit.objects.filter(code=unit_code).first()
    if unit is None:
        raise invalid("unit", f"unknown unit {unit_code!r}")
    matter = petition.matter
    with transaction.atomic():
        matter_move(actor=actor, matter=matter, to_stage="accepting", version=matter.version)
        if unit.pk != matter.unit_id:
            matter_transfer(
                actor=actor,
                matter=matter,
                unit=unit,
                owner=handler_of(unit),
                version=matter.version,
                reason=f"转送 routed: {note}".strip(),
            )
        record(actor=actor, action="petition_route", subject=petition, new={"unit": unit.pk})
    return petition


def petition_decide(*, actor: Any, petition: Petition, accept: bool, note: str) -> Petition:
    """受理 or 不予受理, told to the petitioner (art. 23); not accepted closes it."""
    if not note.strip():
        raise invalid("note", "the petitioner is told the reasons")
    matter = petition.matter
    with transaction.atomic():
        stage = "handling" if accept else "closed"
        matter_move(actor=actor, matter=matter, to_stage=stage, version=matter.version, note=note)
        petition.decision = PetitionDecision.ACCEPTED if accept else PetitionDecision.NOT_ACCEPTED
        petition.decision_note = note.strip()
        petition.save(update_fields=["decision", "decision_note"])
        record(actor=actor, action="petition_decide", subject=petition, new={"accepted": accept})
    return petition


def petition_reply(*, actor: Any, petition: Petition, reply: str) -> Petition:
    """The written reply (书面答复意见) that ends handling."""
    if not reply.strip():
        raise invalid("reply", "a written reply is required")
    matter = petition.matter
    with transaction.atomic():
        matter_move(actor=actor, matter=matter, to_stage="replied", version=matter.version)
        petition.reply, petition.replied_on = reply.strip(), legal_day()
        petition.save(update_fields=["reply", "replied_on"])
        record(actor=actor, action="petition_reply", subject=petition)
    return petition


def petition_review_request(*, actor: Any, petition: Petition, recheck: bool = False) -> Petition:
    """The petitioner asks for review (复查) or re-review (复核) within 30 days; it goes to
    the agency one level up, which answers within 30 days."""
    matter = petition.matter
    expected, to_stage = ("reviewed", "recheck") if recheck else ("replied", "review")
    if matter.stage != expected:
        raise invalid(
            "stage", f"a {'re-review' if recheck else 'review'} follows the {expected} stage"
        )
    rule = "petition.recheck.request" if recheck else "petition.review.request"
    since = _last_answer_day(matter)
    last_day = LegalClock.start_under(rule, since).due_on
    if legal_day() > last_day:
        raise invalid("requested_on", f"the 30 days to ask ended on {last_day:%Y-%m-%d}")
    above = matter.unit.parent
    with transaction.atomic():
        matter_move(actor=actor, matter=matter, to_stage=to_stage, version=matter.version)
        if above is not None:
            matter_transfer(
                actor=actor,
                matter=matter,
                unit=above,
                owner=handler_of(above),
                version=matter.version,
                reason="复查/复核 by the agency one level up (信访工作条例 arts. 35–36)",
            )
        record(
            actor=actor,
            action="petition_review_request",
            subject=petition,
            new={"recheck": recheck},
        )
    return petition


def _last_answer_day(matter: Matter) -> Any:
    moved = matter.events.filter(to_stage__in=("replied", "reviewed")).order_by("-at").first()
    return legal_day(moved.at) if moved else legal_day(matter.opened_at)


def petition_review_answer(*, actor: Any, petition: Petition, opinion: str) -> Petition:
    """复查意见 or 复核意见; a re-review's answer is final and closes the petition."""
    if not opinion.strip():
        raise invalid("opinion", "the opinion is required")
    matter = petition.matter
    recheck = matter.stage == "recheck"
    if matter.stage not in ("review", "recheck"):
        raise invalid("stage", "no review is under way")
    with transaction.atomic():
        to_stage = "closed" if recheck else "reviewed"
        matter_move(actor=actor, matter=matter, to_stage=to_stage, version=matter.version)
        field = "recheck_opinion" if recheck else "review_opinion"
        setattr(petition, field, opinion.strip())
        petition.save(update_fields=[field])
        record(
            actor=actor, action="petition_review_answer", subject=petition, new={"final": recheck}
        )
    return petition


def petition_close(*, actor: Any, petition: Petition, note: str = "") -> Petition:
    """No review asked for (or the review accepted): the petition ends."""
    matter = petition.matter
    if matter.stage not in ("replied", "reviewed"):
        raise invalid("stage", "a petition closes after its reply or review")
    with transaction.atomic():
        matter_move(
            actor=actor, matter=matter, to_stage="closed", version=matter.version, note=note
        )
        record(actor=actor, action="petition_close", subject=petition, reason=note)
    return petition


def petition_take_ownership(*, actor: Any, petition: Petition, reason: str) -> Petition:
    """领导包案: a leader takes personal ownership of a backlogged petition; shown as its
    owner until it closes (the handling unit keeps the work)."""
    require_role(actor, LEADERS, "take personal ownership of a petition")
    matter = petition.matter
    if not Matter.objects.for_user(actor).filter(pk=matter.pk).exists():
        raise PermissionDenied("this petition is outside your jurisdiction")
    if matter.status == MatterStatus.CLOSED:
        raise invalid("status", "the petition is closed")
    if not reason.strip():
        raise invalid("reason", "say why the leader takes the case")
    with transaction.atomic():
        old = petition.leader_id
        petition.leader = actor
        petition.save(update_fields=["leader"])
        record(
            actor=actor,
            action="petition_take_ownership",
            subject=petition,
            old={"leader": old},
            new={"leader": actor.pk, "at": now().isoformat()},
            reason=reason,
        )
    return petition
