"""Small helpers of the portal's services: time, errors, the audit row, personal data."""

from __future__ import annotations

import secrets
from datetime import datetime
from functools import partial

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from zhengfa.flow.common import invalid
from zhengfa.flow.domain_services import app_audit
from zhengfa.pii import crypto
from zhengfa.pii.masking import mask_name, mask_phone
from zhengfa.pii.services import PHONE_INDEX
from zhengfa.pii.validation import validate_phone

audit = partial(app_audit, "portal")


def clean_phone(raw: str, field: str = "phone") -> str:
    try:
        return validate_phone(raw)
    except ValidationError as exc:
        raise invalid(field, " ".join(exc.messages)) from None


def phone_hash(normalised: str) -> str:
    return crypto.blind_index(PHONE_INDEX, normalised)


def sealed_phone(model: type[models.Model], normalised: str) -> dict[str, str]:
    """The three stored forms of a phone number: ciphertext, keyed hash, masked copy."""
    context = f"pii.{model._meta.model_name}.phone"
    return {
        "phone": crypto.encrypt(normalised, context=context),
        "phone_hash": phone_hash(normalised),
        "phone_masked": mask_phone(normalised),
    }


def sealed_name(model: type[models.Model], name: str) -> dict[str, str]:
    context = f"pii.{model._meta.model_name}.name"
    return {"name": crypto.encrypt(name, context=context), "name_masked": mask_name(name)}


def new_code(prefix: str, at: datetime) -> str:
    """A receipt or case number: prefix, local date, six random digits (not guessable)."""
    day = timezone.localdate(at).strftime("%Y%m%d")
    return f"{prefix}{day}{secrets.randbelow(10**6):06d}"
