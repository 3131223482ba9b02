"""Validate and normalise a reported fraud contact: a phone number, a link, an account.

Normalised forms make two reports of the same contact meet: a mainland phone number as
its 11 digits (or a landline as area code + number, digits only; +86/0086 dropped), a link
as its lower-cased host and path without scheme, ``www.``, query or trailing slash, an
account as its digits (bank card) or its lower-cased handle (e-wallet id).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from zhengfa.flow.common import invalid
from zhengfa.police.models import ContactKind

MOBILE = re.compile(r"1[3-9]\d{9}")
LANDLINE = re.compile(r"0\d{2,3}\d{7,8}")
SERVICE = re.compile(r"(95|96|400)\d{3,8}")  # 95xxx / 400 numbers, often spoofed
HOST = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
CARD = re.compile(r"\d{12,19}")
HANDLE = re.compile(r"[a-z0-9_.@-]{4,64}")


def normalise(kind: str, value: str, field: str = "value") -> str:
    if kind not in ContactKind.values:
        raise invalid(field, f"unknown kind {kind!r}; accepted: {', '.join(ContactKind.values)}")
    text = value.strip()
    if kind == ContactKind.PHONE:
        return _phone(text, field)
    if kind == ContactKind.LINK:
        return _link(text, field)
    return _account(text, field)


def _phone(text: str, field: str) -> str:
    digits = re.sub(r"[\s()\-]", "", text)
    digits = re.sub(r"^(\+86|0086)", "", digits)
    if MOBILE.fullmatch(digits) or LANDLINE.fullmatch(digits) or SERVICE.fullmatch(digits):
        return digits
    raise invalid(
        field,
        f"{text!r} is not a phone number; accepted: an 11-digit mobile number (e.g. "
        "13812345678), a landline with area code (e.g. 0468-1234567) or a 95/96/400 number",
    )


def _link(text: str, field: str) -> str:
    candidate = text if "://" in text else f"http://{text}"
    parts = urlsplit(candidate)
    host = (parts.hostname or "").lower().removeprefix("www.")
    if parts.scheme not in ("http", "https") or not HOST.fullmatch(host):
        raise invalid(
            field,
            f"{text!r} is not a link; accepted: a web address such as https://example.com/pay",
        )
    path = parts.path.rstrip("/")
    return f"{host}{path}"


def _account(text: str, field: str) -> str:
    compact = re.sub(r"[\s-]", "", text).lower()
    if CARD.fullmatch(compact) or HANDLE.fullmatch(compact):
        return compact
    raise invalid(
        field,
        f"{text!r} is not a payment account; accepted: a bank card number (12–19 digits) or "
        "an e-wallet account id (4–64 letters, digits, _ . @ -)",
    )
