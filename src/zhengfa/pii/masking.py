"""Masked forms of personal data: what every role sees unless its work needs the clear text."""

from __future__ import annotations

import re

from zhengfa.pii.validation import (
    ID_CANDIDATE,
    MOBILE_CANDIDATE,
    is_mobile,
    normalise_id_number,
    normalise_phone,
)

MASK = "*"
# The administrative head of an address: province, prefecture-level city, county-level
# division, each optional, read from the start. A division name holds no digits and no
# street words, and a suffix followed by one (红旗路, 东风街) is a street, not a division.
_NAME = r"[^省市区县旗州盟路街道巷弄号\d]"
_NOT_STREET = r"(?![路街道巷弄号])"
_ADMIN_HEAD = re.compile(
    rf"^(?:{_NAME}{{2,7}}?(?:省|自治区){_NOT_STREET})?"
    rf"(?:{_NAME}{{1,9}}?(?:自治州|市|州|盟|地区){_NOT_STREET})?"
    rf"(?:{_NAME}{{1,9}}?(?:区|县|旗|市){_NOT_STREET})?"
)


def mask_id_number(raw: str) -> str:
    """``230402199001011234`` -> ``2304**********1234``: the city prefix and the last four."""
    value = normalise_id_number(raw)
    if len(value) <= 8:
        return MASK * len(value)
    return value[:4] + MASK * (len(value) - 8) + value[-4:]


def mask_phone(raw: str) -> str:
    """Mobiles ``138****5678``; landlines keep the area code and the last four digits."""
    value = normalise_phone(raw)
    if is_mobile(value):
        return value[:3] + MASK * 4 + value[-4:]
    if value.startswith("0") and len(value) >= 10:
        area = 3 if value[1] in "12" else 4  # 010, 02x are three digits; others four
        return value[:area] + "-" + MASK * (len(value) - area - 4) + value[-4:]
    return MASK * len(value)


def mask_address(raw: str) -> str:
    """Keep the administrative part down to the district or county, mask the rest.

    ``黑龙江省鹤岗市向阳区红旗路12号`` -> ``黑龙江省鹤岗市向阳区****``. Without a district the
    city is kept; without either nothing is.
    """
    text = raw.strip()
    head = _ADMIN_HEAD.match(text)
    return (head.group() if head else "") + MASK * 4 if text else ""


def mask_name(raw: str) -> str:
    """``张三丰`` -> ``张**``: the family name only."""
    text = raw.strip()
    return text[:1] + MASK * max(len(text) - 1, 1) if text else ""


def redact_personal(text: str) -> str:
    """Free text with any ID number or mobile number in it masked (for labels)."""
    text = ID_CANDIDATE.sub(lambda m: mask_id_number(m.group()), text)
    return MOBILE_CANDIDATE.sub(lambda m: mask_phone(m.group()), text)
