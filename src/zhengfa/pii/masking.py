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
# County-level division endings; 自治区 is province level and is skipped.
_DISTRICT_END = re.compile(r"(?<!自治)(?:区|县|旗)|市辖区")
_CITY_END = re.compile(r"(?:市|州|盟|地区)")


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
    end = _prefix_end(text)
    return text[:end] + MASK * 4 if text else ""


def _prefix_end(text: str) -> int:
    district = _DISTRICT_END.search(text)
    if district:
        return district.end()
    city = _CITY_END.search(text)
    return city.end() if city else 0


def mask_name(raw: str) -> str:
    """``张三丰`` -> ``张**``: the family name only."""
    text = raw.strip()
    return text[:1] + MASK * max(len(text) - 1, 1) if text else ""


def redact_personal(text: str) -> str:
    """Free text with any ID number or mobile number in it masked (for labels)."""
    text = ID_CANDIDATE.sub(lambda m: mask_id_number(m.group()), text)
    return MOBILE_CANDIDATE.sub(lambda m: mask_phone(m.group()), text)
