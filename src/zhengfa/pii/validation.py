"""Validation and normalisation of ID numbers (GB 11643-1999) and phone numbers.

Errors are ``django.core.exceptions.ValidationError`` whose message says what is
accepted, in Chinese and English, so the API, the forms and the CLI can show it as is.
"""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone

# GB 11643-1999 §8.2: ISO 7064 MOD 11-2 weights W_i = 2^(i-1) mod 11, read from the left.
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"  # indexed by (weighted sum mod 11)
# First two digits of a GB/T 2260 code: provinces, plus 71 Taiwan, 81 Hong Kong, 82 Macao
# and 83 (residence permits of Hong Kong, Macao and Taiwan residents, GB 11643-1999 as
# applied by the 2018 residence-permit rules).
PROVINCE_PREFIXES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 "
    "50 51 52 53 54 61 62 63 64 65 71 81 82 83".split()
)
ID_ACCEPTED = (
    "18位公民身份号码（GB 11643-1999：6位地区码、8位出生日期、3位顺序码、1位校验码 0-9 或 X）"
    " / an 18-character citizen ID number (GB 11643-1999: 6-digit region, 8-digit birth"
    " date, 3-digit sequence, check character 0-9 or X)"
)
PHONE_ACCEPTED = (
    "11位手机号（1[3-9]开头）或带区号的固定电话（如 0468-3451234）"
    " / an 11-digit mobile number starting 13-19, or a landline with its area code"
    " (e.g. 0468-3451234)"
)
_FULLWIDTH = str.maketrans("０１２３４５６７８９ｘＸ", "0123456789XX")
MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0[1-9]\d{1,2}[2-9]\d{6,7}$")


def id_check_char(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11]


def normalise_id_number(raw: str) -> str:
    """Spaces removed, full-width digits folded, a trailing x upper-cased."""
    return re.sub(r"\s+", "", raw).translate(_FULLWIDTH).upper()


def validate_id_number(raw: str, *, today: date | None = None) -> str:
    """The normalised ID number, or ValidationError saying what is wrong and accepted."""
    value = normalise_id_number(raw)
    if len(value) == 15 and value.isdigit():
        _invalid("这是15位旧号码，请用18位号码 / a 15-digit old-style number: use the 18-digit one")
    if not re.fullmatch(r"\d{17}[\dX]", value):
        _invalid("应为17位数字加1位校验码 / expected 17 digits and a check character")
    if value[:2] not in PROVINCE_PREFIXES:
        _invalid(f"地区码 {value[:6]} 不属于任何省份 / region code {value[:6]} has no province")
    _check_birth_date(value[6:14], today or timezone.localdate())
    if id_check_char(value[:17]) != value[17]:
        _invalid("校验码不符 / the check character does not match (ISO 7064 MOD 11-2)")
    return value


def _check_birth_date(digits: str, today: date) -> None:
    try:
        born = date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        _invalid(f"出生日期 {digits} 无效 / birth date {digits} is not a real date")
    if born.year < 1900 or born > today:
        _invalid(f"出生日期 {digits} 超出范围 / birth date {digits} is out of range")


def _invalid(problem: str) -> None:
    raise ValidationError(f"{problem}。{ID_ACCEPTED}", code="invalid_id_number")


def normalise_phone(raw: str) -> str:
    """Digits only; a +86 / 0086 country prefix is dropped (a landline gets its 0 back)."""
    text = raw.strip()
    international = text.startswith(("+86", "0086"))
    digits = re.sub(r"\D", "", text)
    if international:
        digits = digits.removeprefix("00").removeprefix("86")
        if not digits.startswith("1"):
            digits = "0" + digits
    return digits


def validate_phone(raw: str) -> str:
    """The normalised phone number (digits only), or ValidationError naming the forms."""
    value = normalise_phone(raw)
    if MOBILE.match(value) or LANDLINE.match(value):
        return value
    raise ValidationError(
        f"电话号码无效 / not a valid phone number。{PHONE_ACCEPTED}", code="invalid_phone"
    )


def is_mobile(normalised: str) -> bool:
    return bool(MOBILE.match(normalised))


# --- spotting personal data in free text --------------------------------------------------

ID_CANDIDATE = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
# Letters count as a boundary too, so hex digests and tokens are not taken for phones.
MOBILE_CANDIDATE = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")


def _is_valid_id(candidate: str) -> bool:
    try:
        validate_id_number(candidate)
    except ValidationError:
        return False
    return True


def find_personal(text: str) -> str | None:
    """The kind of personal data found in ``text`` ("id_number", "phone"), or None."""
    if any(_is_valid_id(m.group()) for m in ID_CANDIDATE.finditer(text)):
        return "id_number"
    if MOBILE_CANDIDATE.search(text):
        return "phone"
    return None
