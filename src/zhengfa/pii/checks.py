"""System checks: the personal-data and audit secrets parse, and production sets them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

from zhengfa.pii.crypto import parse_keyring
from zhengfa.pii.keyfiles import decode_key

SECRETS: dict[str, Callable[[str], object]] = {
    "ZHENGFA_PII_KEYS": parse_keyring,
    "ZHENGFA_PII_HASH_KEY": lambda raw: decode_key("ZHENGFA_PII_HASH_KEY", raw),
    "ZHENGFA_AUDIT_KEY": lambda raw: decode_key("ZHENGFA_AUDIT_KEY", raw),
}


@register(Tags.security)
def check_secrets(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    for name, parse in SECRETS.items():
        raw = getattr(settings, name, None)
        if not raw:
            if getattr(settings, "PRODUCTION", False):
                errors.append(Error(f"{name} must be set when ZHENGFA_PRODUCTION=1", id="pii.E001"))
            continue
        try:
            parse(raw)
        except ImproperlyConfigured as exc:
            errors.append(Error(str(exc), id="pii.E002"))
    return errors
