"""Records attached to cases: professional judges' meetings (专业法官会议), enforcement
lists (失信 / 限高) with their screening queue and removal limit, and seat reservations for
public hearings."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from zhengfa.courts.models import (
    CompanyEvent,
    CourtCase,
    Hearing,
    HearingStatus,
    JudgesMeeting,
    Listing,
    ListingKind,
    ListingStatus,
    SeatReservation,
)
from zhengfa.courts.workflow.common import audit, require_change, require_role, today
from zhengfa.flow.common import invalid, now
from zhengfa.flow.services.clockops import clock_start, clock_stop
from zhengfa.org.roles import Role
from zhengfa.pii.models import Person

# SPC 关于公布失信被执行人名单信息的若干规定 (2017 amendment, 法释〔2017〕7号) art. 10:
# information meeting a ground for deletion is deleted within three working days.
REMOVAL_DAYS = 3
REMOVAL_BASIS = "法释〔2017〕7号 art. 10 (三个工作日内删除)"


def meeting_record(
    *,
    actor: Any,
    case: CourtCase,
    held_on: date,
    question: str,
    attendees: str,
    opinions: str,
    conclusion: str,
) -> JudgesMeeting:
    """Attach the record of a professional judges' meeting (advice for the panel)."""
    require_role(
        actor,
        (Role.JUDGE, Role.DIVISION_PRESIDENT, Role.COURT_PRESIDENT, Role.CLERK),
        "meeting records",
    )
    require_change(actor, case.matter)
    for field, value in (
        ("question", question),
        ("attendees", attendees),
        ("opinions", opinions),
        ("conclusion", conclusion),
    ):
        if not value.strip():
            raise invalid(field, "required in a meeting record")
    with transaction.atomic():
        meeting = JudgesMeeting.objects.create(
            case=case,
            held_on=held_on,
            question=question,
            attendees=attendees,
            opinions=opinions,
            conclusion=conclusion,
            recorded_by=actor,
        )
        audit(actor=actor, action="meeting.record", subject=meeting, new={"case": case.number})
    return meeting


def listing_add(
    *,
    actor: Any,
    case: CourtCase,
    kind: str,
    person: Person | None = None,
    organisation: str = "",
    as_legal_rep_of: str = "",
    on: date | None = None,
) -> Listing:
    """List a judgment debtor (or its legal representative) on an enforcement case."""
    require_role(actor, (Role.JUDGE, Role.DIVISION_PRESIDENT), "enforcement lists")
    require_change(actor, case.matter)
    if case.category != "enforcement":
        raise invalid("case", "lists are linked to enforcement cases (执)")
    if kind not in ListingKind.values:
        raise invalid("kind", f"accepted: {', '.join(ListingKind.values)}")
    if (person is None) == (not organisation.strip()):
        raise invalid("person", "a person or an organisation, one of the two")
    with transaction.atomic():
        listing = Listing.objects.create(
            case=case,
            kind=kind,
            person=person,
            organisation=organisation.strip(),
            as_legal_rep_of=as_legal_rep_of.strip(),
            listed_on=on or today(),
        )
        audit(actor=actor, action="listing.add", subject=listing, new={"kind": kind})
    return listing


def listing_flag_event(
    *, actor: Any, listing: Listing, event: str, on: date | None = None
) -> Listing:
    """The company the person represented merged, split or restructured: the entry goes to
    the screening queue and its removal limit starts."""
    require_change(actor, listing.case.matter)
    if event not in (CompanyEvent.MERGER, CompanyEvent.SPLIT, CompanyEvent.RESTRUCTURE):
        raise invalid("event", "accepted: merger, split, restructure")
    if not listing.as_legal_rep_of or listing.status != ListingStatus.LISTED:
        raise invalid("listing", "only a listed legal representative can be screened")
    day = on or today()
    with transaction.atomic():
        clock = clock_start(
            actor=actor,
            matter=listing.case.matter,
            purpose=f"listing:{listing.pk}",
            label=f"甄别删除 screening of listing {listing.pk}",
            period=(REMOVAL_DAYS, "workdays"),
            on=day,
            legal_basis=REMOVAL_BASIS,
        )
        listing.company_event, listing.status, listing.removal_clock = (
            event,
            ListingStatus.SCREENING,
            clock,
        )
        listing.save(update_fields=["company_event", "status", "removal_clock"])
        audit(actor=actor, action="listing.screen", subject=listing, new={"event": event})
    return listing


def listing_remove(*, actor: Any, listing: Listing, reason: str, on: date | None = None) -> Listing:
    """Remove the entry, with the reason recorded; the removal clock stops."""
    require_role(actor, (Role.JUDGE, Role.DIVISION_PRESIDENT), "enforcement lists")
    require_change(actor, listing.case.matter)
    if listing.status == ListingStatus.REMOVED:
        raise invalid("listing", "already removed")
    if not reason.strip():
        raise invalid("reason", "state the ground for removal")
    day = on or today()
    with transaction.atomic():
        if listing.removal_clock is not None:
            clock_stop(
                actor=actor,
                clock=listing.removal_clock,
                on=max(day, listing.removal_clock.started_on),
                reason=reason,
            )
        listing.status, listing.removed_on, listing.removal_reason = (
            ListingStatus.REMOVED,
            day,
            reason.strip(),
        )
        listing.save(update_fields=["status", "removed_on", "removal_reason"])
        audit(actor=actor, action="listing.remove", subject=listing, reason=reason)
    return listing


def seat_reserve(*, actor: Any, hearing: Hearing) -> SeatReservation:
    """A signed-in citizen reserves a public seat (万名群众旁听审判)."""
    if getattr(actor, "role", None) != Role.CITIZEN:
        raise PermissionDenied("seats are reserved by signed-in citizens")
    if (
        not hearing.public
        or hearing.status != HearingStatus.SCHEDULED
        or hearing.starts_at <= timezone.now()
    ):
        raise invalid("hearing", "not an upcoming public hearing")
    with transaction.atomic():
        taken = Hearing.objects.select_for_update().get(pk=hearing.pk).reservations.count()
        if taken >= hearing.seats:
            raise invalid("hearing", "no seats left")
        try:
            with transaction.atomic():
                seat = SeatReservation.objects.create(
                    hearing=hearing, citizen=actor, reserved_at=now()
                )
        except IntegrityError:
            raise invalid("hearing", "you already hold a seat for this hearing") from None
        audit(actor=actor, action="seat.reserve", subject=seat)
    return seat
