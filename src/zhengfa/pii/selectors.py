"""Finding people by exact ID number or phone, through the keyed hash, within scope."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from zhengfa.pii import crypto
from zhengfa.pii.models import Person
from zhengfa.pii.services import ID_NUMBER_INDEX, PHONE_INDEX
from zhengfa.pii.validation import validate_id_number, validate_phone


def person_find_by_id_number(*, actor: Any, id_number: str) -> Person | None:
    """The person with this ID number in the actor's scope, or None (also when out of scope)."""
    try:
        normalised = validate_id_number(id_number)
    except ValidationError as exc:
        raise ValidationError({"id_number": exc.messages}) from exc
    digest = crypto.blind_index(ID_NUMBER_INDEX, normalised)
    return Person.objects.for_user(actor).filter(id_number_hash=digest).first()


def person_find_by_phone(*, actor: Any, phone: str) -> list[Person]:
    """People with this phone number in the actor's scope (a phone may be shared)."""
    try:
        normalised = validate_phone(phone)
    except ValidationError as exc:
        raise ValidationError({"phone": exc.messages}) from exc
    digest = crypto.blind_index(PHONE_INDEX, normalised)
    return list(Person.objects.for_user(actor).filter(phone_hash=digest))
