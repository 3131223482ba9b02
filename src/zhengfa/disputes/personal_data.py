"""What the disputes app holds about a person: dispute parties and petitions in which
they are the complainant (registered through zhengfa.pii.registry)."""

from __future__ import annotations

from typing import Any

from zhengfa.disputes.models import DisputeParty, Petition
from zhengfa.flow.models import Matter
from zhengfa.pii.models import Person
from zhengfa.pii.registry import Holding


def holdings(person: Person) -> list[Holding]:
    parties = DisputeParty.objects.filter(person=person).select_related("dispute__matter")
    petitions = Petition.objects.filter(complainant=person).select_related("matter")
    return [
        Holding(
            "disputes.parties",
            "矛盾纠纷当事人 Dispute parties",
            [{**_matter(p.dispute.matter), "side": p.side} for p in parties],
            [p.dispute.matter for p in parties],
        ),
        Holding(
            "disputes.petitions",
            "信访事项（本人为信访人）Petitions as the complainant",
            [_petition(p) for p in petitions],
            [p.matter for p in petitions],
        ),
    ]


def _matter(matter: Matter) -> dict[str, Any]:
    return {
        "matter": matter.pk,
        "title": matter.title,
        "stage": matter.stage,
        "opened_at": matter.opened_at.isoformat(),
        "closed_at": matter.closed_at.isoformat() if matter.closed_at else None,
    }


def _petition(petition: Petition) -> dict[str, Any]:
    return {
        **_matter(petition.matter),
        "receipt_number": petition.receipt_number,
        "form": petition.form,
        "request": petition.request,
        "received_on": petition.received_on.isoformat(),
        "decision": petition.decision,
        "reply": petition.reply,
    }
