"""What the courts hold about a person: case parties and enforcement-list entries
(registered through zhengfa.pii.registry; see docs/personal-data.md)."""

from __future__ import annotations

from typing import Any

from zhengfa.courts.models import CaseParty, Listing
from zhengfa.flow.models import Matter
from zhengfa.pii.models import Person
from zhengfa.pii.registry import Holding


def holdings(person: Person) -> list[Holding]:
    parties = CaseParty.objects.filter(person=person).select_related(
        "case__matter", "filing__matter", "filing__court"
    )
    listings = Listing.objects.filter(person=person).select_related("case__matter")
    return [
        Holding(
            "courts.parties",
            "法院案件当事人 Court case parties",
            [_party(p) for p in parties],
            [_matter_of(p) for p in parties],
        ),
        Holding(
            "courts.listings",
            "失信/限高名单 Enforcement lists",
            [
                {
                    "case_number": item.case.number,
                    "kind": item.kind,
                    "status": item.status,
                    "listed_on": item.listed_on.isoformat(),
                }
                for item in listings
            ],
            [item.case.matter for item in listings],
        ),
    ]


def _matter_of(party: CaseParty) -> Matter:
    return party.case.matter if party.case else party.filing.matter


def _party(party: CaseParty) -> dict[str, Any]:
    matter = _matter_of(party)
    return {
        "case_number": party.case.number if party.case else "",
        "filing": party.filing_id,
        "court": party.filing.court.name,
        "side": party.side,
        "stage": matter.stage,
        "opened_at": matter.opened_at.isoformat(),
        "closed_at": matter.closed_at.isoformat() if matter.closed_at else None,
    }
