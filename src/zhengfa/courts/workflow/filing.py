"""Filing (立案): a complaint at the counter or online, its review on the statutory clock,
then acceptance (a case number, the case matter, the trial clock from the next day),
rejection with reasons, or a request for missing material.

Under the registration system (立案登记制, SPC 立案登记规定 (2015) art. 8) a complaint that
meets the requirements is registered on the spot or within the limit (7 days: CPL (2023)
art. 126; ALL (2017) art. 51); missing material is asked for once, in writing, and the
limit runs again from the day the corrected complaint arrives (Civil Interp. (2022)
art. 126(2); Admin Interp. (2018) art. 53).
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from zhengfa.courts import casenumber
from zhengfa.courts.models import (
    CaseParty,
    Category,
    Cause,
    CauseKind,
    CourtCase,
    Filing,
    FilingAttachment,
    FilingChannel,
    FilingStatus,
    PartySide,
    SequenceCounter,
)
from zhengfa.courts.procedures import spec_of
from zhengfa.courts.selectors import causes_in_force
from zhengfa.courts.workflow.common import (
    audit,
    code_hash,
    require_change,
    require_role,
    tell_parties,
    today,
)
from zhengfa.courts.workflow.dossier import check_content, dossier_add_from_filing
from zhengfa.flow.common import invalid
from zhengfa.flow.models import Clock, Matter
from zhengfa.flow.services.clockops import clock_start
from zhengfa.flow.services.matters import matter_move, matter_open
from zhengfa.org.models import Unit, UnitKind
from zhengfa.org.roles import Role
from zhengfa.pii import crypto
from zhengfa.pii.masking import mask_name
from zhengfa.pii.models import Person
from zhengfa.pii.services import person_create
from zhengfa.pii.validation import validate_id_number

CAUSE_KIND: dict[str, str] = {
    Category.CIVIL: CauseKind.CIVIL,
    Category.CRIMINAL: CauseKind.CRIMINAL,
    Category.ADMINISTRATIVE: CauseKind.ADMINISTRATIVE,
}
FIRST_SIDES = {PartySide.PLAINTIFF, PartySide.APPLICANT}
SECOND_SIDES = {PartySide.DEFENDANT, PartySide.RESPONDENT}


@dataclass(frozen=True)
class PartyInput:
    """A party as typed: a natural person (name, ID number, phone, address) or an
    organisation (its name only)."""

    side: str
    name: str = ""
    id_number: str = ""
    phone: str = ""
    address: str = ""
    organisation: str = ""


@dataclass(frozen=True)
class Accepted:
    case: CourtCase
    verification_code: str  # shown once to the parties; only its hash is kept


def filing_submit(
    *,
    actor: Any,
    court: Unit,
    procedure: str,
    claims: str,
    parties: list[PartyInput],
    cause_code: str = "",
    enterprise_related: bool = False,
    attachments: Sequence[tuple[str, bytes]] = (),
    on: date | None = None,
) -> Filing:
    """Receive a complaint. A registrar files at the counter; a citizen or lawyer online
    (their personal data sealed until the registry registers the parties). Attachments
    (name, bytes) are checked like dossier uploads and join the dossier at acceptance."""
    channel = _channel_of(actor)
    spec = spec_of(procedure)
    day = on or today()
    _check_court(court)
    if not claims.strip():
        raise invalid("claims", "state the claims (诉讼请求), 1–5000 characters")
    cause = _cause(spec.category, cause_code, day)
    _check_parties(parties)
    _check_attachments(attachments)
    with transaction.atomic():
        matter = matter_open(
            actor=actor,
            kind=f"court_filing_{spec.category}",
            title=f"立案审查 {claims.strip()[:60]}",
            region_code=court.region_id,
            unit=court,
            enterprise_related=enterprise_related,
            on=day,
            participants=[actor] if channel == FilingChannel.ONLINE else [],
        )
        filing = Filing.objects.create(
            matter=matter,
            court=court,
            channel=channel,
            procedure=procedure,
            type_code=spec.type_code,
            cause=cause,
            claims=claims.strip(),
            enterprise_related=enterprise_related,
            submitted_by=actor,
            submitted_on=day,
        )
        for party in parties:
            _add_party(actor, filing, party, channel)
        FilingAttachment.objects.bulk_create(
            FilingAttachment(
                filing=filing,
                name=name.strip(),
                content=content,
                sha256=hashlib.sha256(content).hexdigest(),
                size=len(content),
            )
            for name, content in attachments
        )
        if enterprise_related:
            _enterprise_target(actor, matter, court, "filing", day)
        audit(
            actor=actor,
            action="filing.submit",
            subject=filing,
            new={
                "channel": channel,
                "procedure": procedure,
                "parties": len(parties),
                "attachments": len(attachments),
            },
        )
    return filing


MAX_ATTACHMENTS = 20


def _check_attachments(attachments: Sequence[tuple[str, bytes]]) -> None:
    if len(attachments) > MAX_ATTACHMENTS:
        raise invalid("attachments", f"at most {MAX_ATTACHMENTS} files")
    for n, (name, content) in enumerate(attachments):
        try:
            check_content(name, content)
        except ValidationError as error:
            field, messages = next(iter(error.message_dict.items()))
            raise invalid(f"attachments[{n}].{field}", f"{name}: {messages[0]}") from None


def _channel_of(actor: Any) -> str:
    if actor.role == Role.COURT_REGISTRAR:
        return FilingChannel.COUNTER
    if actor.role == Role.CITIZEN:
        return FilingChannel.ONLINE
    from django.core.exceptions import PermissionDenied

    raise PermissionDenied("complaints are filed by a registrar (counter) or a citizen (online)")


def _check_court(court: Unit) -> None:
    if court.kind != UnitKind.COURT or not court.court_code:
        raise invalid("court", f"{court} is not a court with a court code (法院代字)")


def _cause(category: str, code: str, day: date) -> Cause | None:
    kind = CAUSE_KIND.get(category)
    catalogue = causes_in_force(kind, day) if kind else None
    if catalogue is None:
        return None  # no catalogue in force (e.g. civil from 2026): the form says so
    cause = Cause.objects.filter(catalogue=catalogue, code=code).first()
    if cause is None:
        raise invalid(
            "cause_code",
            f"{code!r} is not a cause of {catalogue.label}; accepted: a code of that "
            "catalogue (GET /api/v1/courts/causes)",
        )
    return cause


def _check_parties(parties: list[PartyInput]) -> None:
    sides = {p.side for p in parties}
    for n, party in enumerate(parties):
        if party.side not in PartySide.values:
            raise invalid(f"parties[{n}].side", f"accepted: {', '.join(PartySide.values)}")
        if not (party.name.strip() or party.organisation.strip()):
            raise invalid(f"parties[{n}].name", "a natural person's name or an organisation")
    if not (sides & FIRST_SIDES and sides & SECOND_SIDES):
        raise invalid("parties", "at least one plaintiff (or applicant) and one defendant")


def _add_party(actor: Any, filing: Filing, party: PartyInput, channel: str) -> CaseParty:
    row = CaseParty(filing=filing, side=party.side, organisation=party.organisation.strip())
    if party.organisation.strip():
        row.save()
        return row
    if channel == FilingChannel.ONLINE:
        if party.id_number:
            validate_id_number(party.id_number)  # refuse a bad number now, not at review
        context = CaseParty._meta.get_field("submitted").context  # type: ignore[union-attr]
        row.submitted = crypto.encrypt(
            json.dumps(party.__dict__, ensure_ascii=False), context=context
        )
        row.name_masked = mask_name(party.name)
        row.account = actor if party.side in FIRST_SIDES else None
    else:
        row.person = _person(actor, party)
    row.save()
    return row


def _person(actor: Any, party: PartyInput) -> Person:
    """The registered person with this ID number, or a new one."""
    if party.id_number.strip():
        digest = crypto.blind_index("id_number", validate_id_number(party.id_number))
        found = Person.objects.filter(id_number_hash=digest).first()
        if found is not None:
            return found
    return person_create(
        actor=actor,
        name=party.name,
        id_number=party.id_number,
        phone=party.phone,
        address=party.address,
    )


def _register_submitted(actor: Any, filing: Filing) -> None:
    """The registry registers the people of an online submission (pii Persons)."""
    context = CaseParty._meta.get_field("submitted").context  # type: ignore[union-attr]
    for row in filing.parties.exclude(submitted=""):
        values = json.loads(crypto.decrypt(row.submitted, context=context))
        row.person = _person(actor, PartyInput(**values))
        row.submitted = ""
        row.save(update_fields=["person", "submitted"])


def _review_clock(matter: Matter) -> Clock | None:
    return matter.clocks.filter(purpose="stage:review", state="running").first()


def filing_request_material(
    *, actor: Any, filing: Filing, missing: str, on: date | None = None
) -> Filing:
    """Ask, once and in writing, for what is missing; the review clock stops."""
    _check_reviewer(actor, filing)
    if not missing.strip():
        raise invalid("missing", "name the missing material (e.g. 被告住所证明)")
    return _filing_move(
        actor,
        filing,
        to_stage="material",
        note=missing,
        on=on,
        action="filing.request_material",
        status=FilingStatus.MATERIAL,
        missing_material=missing.strip(),
    )


def filing_supply_material(
    *, actor: Any, filing: Filing, note: str, on: date | None = None
) -> Filing:
    """The corrected complaint arrives: a fresh review clock starts that day."""
    if filing.status != FilingStatus.MATERIAL:
        raise invalid("status", "no material was requested for this filing")
    return _filing_move(
        actor,
        filing,
        to_stage="review",
        note=note,
        on=on,
        action="filing.supply_material",
        status=FilingStatus.REVIEW,
    )


def filing_reject(*, actor: Any, filing: Filing, reasons: str, on: date | None = None) -> Filing:
    """不予受理, with reasons (the party may appeal the ruling: CPL (2023) art. 126)."""
    _check_reviewer(actor, filing)
    if not reasons.strip():
        raise invalid("reasons", "a rejection states its reasons (CPL (2023) art. 126)")
    return _filing_move(
        actor,
        filing,
        to_stage="rejected",
        note=reasons,
        on=on,
        action="filing.reject",
        status=FilingStatus.REJECTED,
        decision_reason=reasons.strip(),
    )


def _filing_move(
    actor: Any,
    filing: Filing,
    *,
    to_stage: str,
    note: str,
    on: date | None,
    action: str,
    **changes: str,
) -> Filing:
    """Move the filing's matter to ``to_stage``, write ``changes`` to the filing and audit
    the step with ``note`` as its reason — one transaction."""
    with transaction.atomic():
        matter_move(
            actor=actor,
            matter=filing.matter,
            to_stage=to_stage,
            version=filing.matter.version,
            note=note,
            on=on,
        )
        for field, value in changes.items():
            setattr(filing, field, value)
        filing.save(update_fields=list(changes))
        audit(actor=actor, action=action, subject=filing, reason=note)
    return filing


def _check_reviewer(actor: Any, filing: Filing) -> None:
    require_role(actor, (Role.COURT_REGISTRAR,), "filing decisions")
    require_change(actor, filing.matter)
    if filing.status != FilingStatus.REVIEW:
        raise invalid("status", f"the filing is {filing.status}; accepted: a filing under review")


def filing_accept(*, actor: Any, filing: Filing, on: date | None = None) -> Accepted:
    """立案: issue the case number, open the case matter and start the trial limit (its
    trigger day is the registration day; counting begins the next day, CPL art. 85(2))."""
    _check_reviewer(actor, filing)
    day = on or today()
    spec = spec_of(filing.procedure)
    code = f"{secrets.randbelow(10**8):08d}"
    with transaction.atomic():
        matter_move(
            actor=actor,
            matter=filing.matter,
            to_stage="accepted",
            version=filing.matter.version,
            on=day,
        )
        _register_submitted(actor, filing)
        case = case_register(
            actor=actor,
            court=filing.court,
            procedure=filing.procedure,
            title=filing.claims[:80],
            on=day,
            cause=filing.cause,
            claims=filing.claims,
            enterprise_related=filing.enterprise_related,
            verification_code=code,
            filing=filing,
        )
        filing.parties.update(case=case)
        for attachment in filing.attachments.all():
            dossier_add_from_filing(actor=actor, case=case, attachment=attachment)
        filing.status = FilingStatus.ACCEPTED
        filing.save(update_fields=["status"])
        tell_parties(case, f"已立案 Registered: {case.number}", f"{spec.rule}", _trial_basis(case))
        audit(actor=actor, action="filing.accept", subject=filing, new={"case": case.number})
    return Accepted(case, code)


def _trial_basis(case: CourtCase) -> str:
    clock = case.matter.clocks.filter(purpose="overall").first()
    return f"审限届满 limit due {clock.due_on} ({clock.rule})" if clock else ""


def case_register(
    *,
    actor: Any,
    court: Unit,
    procedure: str,
    title: str,
    on: date,
    cause: Cause | None = None,
    claims: str = "",
    enterprise_related: bool = False,
    verification_code: str = "",
    filing: Filing | None = None,
    original: CourtCase | None = None,
    original_filed_on: date | None = None,
) -> CourtCase:
    """Issue the number and open the case matter with its overall limit (in the caller's
    transaction: acceptance of a filing, or a higher court receiving an appeal)."""
    spec = spec_of(procedure)
    number, sequence = _next_number(court, on.year, spec.type_code)
    matter = matter_open(
        actor=actor,
        kind=spec.kind,
        title=f"{number} {title}"[:200],
        region_code=court.region_id,
        unit=court,
        enterprise_related=enterprise_related,
        on=on,
    )
    clock_start(
        actor=actor,
        matter=matter,
        purpose="overall",
        label=f"审限 {spec.rule}",
        rule=spec.rule,
        on=on,
    )
    case = CourtCase.objects.create(
        matter=matter,
        number=number,
        year=on.year,
        court_code=court.court_code or "",
        type_code=spec.type_code,
        sequence=sequence,
        category=spec.category,
        procedure=procedure,
        cause=cause,
        claims=claims,
        filing=filing,
        weight=spec.weight,
        filed_on=on,
        original_filed_on=original_filed_on or on,
        verify_hash=code_hash(verification_code or secrets.token_hex(8)),
        original=original,
    )
    if enterprise_related:
        _enterprise_target(actor, matter, court, "assignment", on)
    audit(
        actor=actor,
        action="case.register",
        subject=case,
        new={"number": number, "procedure": procedure},
    )
    return case


def _next_number(court: Unit, year: int, type_code: str) -> tuple[str, int]:
    """The next sequence for (court, year, type): a locked counter row, no gaps, no repeats."""
    code = court.court_code or ""
    SequenceCounter.objects.get_or_create(court_code=code, year=year, type_code=type_code)
    counter = SequenceCounter.objects.select_for_update().get(
        court_code=code, year=year, type_code=type_code
    )
    counter.last += 1
    counter.save(update_fields=["last"])
    number = casenumber.format_case_number(
        year=year, court_code=code, type_code=type_code, sequence=counter.last
    )
    return number, counter.last


def _enterprise_target(actor: Any, matter: Matter, court: Unit, step: str, on: date) -> None:
    from zhengfa.courts.workflow.enterprise import target_start

    target_start(actor=actor, matter=matter, court=court, step=step, on=on)
