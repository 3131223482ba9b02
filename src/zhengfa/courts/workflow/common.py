"""Helpers shared by the courts' services: audit rows, telling the parties, jurisdiction."""

from __future__ import annotations

import hashlib
from datetime import date
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from zhengfa.courts.models import CourtCase, PartyMessage
from zhengfa.flow.common import now
from zhengfa.flow.domain_services import app_audit
from zhengfa.flow.models import Matter
from zhengfa.flow.notices import notify, sms_backend
from zhengfa.pii import crypto
from zhengfa.pii.models import Person

audit = partial(app_audit, "courts")


def require_change(actor: Any, matter: Matter) -> None:
    """The actor may change this matter (its court's staff, or the platform admin)."""
    if not Matter.objects.for_user(actor, "change").filter(pk=matter.pk).exists():
        raise PermissionDenied("this case is outside your jurisdiction")


def require_role(actor: Any, roles: tuple[str, ...], what: str) -> None:
    if getattr(actor, "role", None) not in roles:
        raise PermissionDenied(f"{what}: only {', '.join(roles)}")


def code_hash(code: str) -> str:
    return hashlib.sha256(code.strip().encode()).hexdigest()


def tell_parties(case: CourtCase, subject: str, reason: str = "", basis: str = "") -> PartyMessage:
    """Tell every party: the public progress page, the inbox of parties with an account, and
    an SMS to each party's phone (sent after commit through the platform's SMS backend)."""
    message = PartyMessage.objects.create(
        case=case, subject=subject[:200], reason=reason, legal_basis=basis[:200], created_at=now()
    )
    parties = list(case.parties.select_related("person", "account"))
    body = "\n".join(
        part for part in (reason, f"依据 Legal basis: {basis}" if basis else "") if part
    )
    notify([p.account for p in parties], f"{case.number} {subject}", body, case.matter)
    phones = [_phone(p.person) for p in parties if p.person is not None and p.person.phone]
    text = f"【{case.number}】{subject} {reason} {basis}".strip()[:280]
    if phones:
        transaction.on_commit(lambda: _send_sms(message.pk, phones, text))
    return message


def _phone(person: Person) -> str:
    context = Person._meta.get_field("phone").context  # type: ignore[union-attr]
    return crypto.decrypt(person.phone, context=context)


def _send_sms(message_id: int, phones: list[str], text: str) -> None:
    backend = sms_backend()
    for phone in phones:
        backend.send(phone, text)
    PartyMessage.objects.filter(pk=message_id).update(sms_sent=len(phones))


def today() -> date:
    from zhengfa.flow.common import legal_day

    return legal_day()
