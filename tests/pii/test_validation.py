from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from zhengfa.pii.validation import (
    find_personal,
    id_check_char,
    validate_id_number,
    validate_phone,
)

# Published example (GB 11643-1999 annex, widely reproduced) and numbers built for Hegang.
VALID_IDS = [
    ("11010519491231002X", "11010519491231002X"),
    ("11010519491231002x", "11010519491231002X"),
    (" 230402 19900101 1237 ", "230402199001011237"),
    ("２３０４０２１９９００１０１１２３７", "230402199001011237"),
    ("440304200002290014", "440304200002290014"),  # 29 February of a leap year
]


@pytest.mark.parametrize(("raw", "normalised"), VALID_IDS)
def test_valid_id_numbers_are_normalised(raw: str, normalised: str) -> None:
    assert validate_id_number(raw, today=dt.date(2026, 1, 1)) == normalised


def test_check_character_is_iso_7064_mod_11_2() -> None:
    assert id_check_char("11010519491231002") == "X"
    assert id_check_char("23040219900101123") == "7"


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("230402199001011234", "校验码不符"),  # wrong check digit
        ("230402199002301230", "无效"),  # 30 February
        ("230402189912311234", "超出范围"),  # born before 1900
        ("230402203001011234", "超出范围"),  # born after "today"
        ("990402199001011234", "不属于任何省份"),
        ("230402900101123", "15位旧号码"),
        ("23040219900101123", "17位数字"),
        ("2304021990010112A7", "17位数字"),
    ],
)
def test_invalid_id_numbers_say_what_is_wrong_and_what_is_accepted(raw: str, problem: str) -> None:
    with pytest.raises(ValidationError) as failed:
        validate_id_number(raw, today=dt.date(2026, 1, 1))
    message = failed.value.messages[0]
    assert problem in message
    assert "GB 11643-1999" in message


def test_birth_date_message_names_the_date() -> None:
    with pytest.raises(ValidationError, match="19900230"):
        validate_id_number("230402199002301230")


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("13812345678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("0468-3451234", "04683451234"),
        ("010-12345678", "01012345678"),
        ("+86 468 345 1234", "04683451234"),
    ],
)
def test_valid_phones_are_digits_only(raw: str, normalised: str) -> None:
    assert validate_phone(raw) == normalised


@pytest.mark.parametrize("raw", ["12812345678", "1381234567", "138123456789", "3451234", "abc"])
def test_invalid_phones_name_the_accepted_forms(raw: str) -> None:
    with pytest.raises(ValidationError, match="11-digit mobile number"):
        validate_phone(raw)


def test_personal_data_is_spotted_in_free_text() -> None:
    assert find_personal("当事人 11010519491231002X 到庭") == "id_number"
    assert find_personal("联系 13812345678") == "phone"
    assert find_personal("案号（2026）黑0402民初123号，标的 230402199001011234 元") is None
    assert find_personal("时间戳 1738123456789") is None
    assert find_personal("sha256 ab13812345678cd") is None


# Valid numbers built from parts: a Hegang district, a real birth date, a sequence.
_DISTRICTS = st.sampled_from(["230402", "230403", "230404", "230405", "230406", "230407"])
_BIRTHS = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2025, 12, 31))


@given(district=_DISTRICTS, born=_BIRTHS, sequence=st.integers(0, 999))
def test_any_built_number_is_valid(district: str, born: dt.date, sequence: int) -> None:
    first17 = f"{district}{born:%Y%m%d}{sequence:03d}"
    number = first17 + id_check_char(first17)
    assert validate_id_number(number, today=dt.date(2026, 1, 1)) == number


@given(
    district=_DISTRICTS,
    born=_BIRTHS,
    sequence=st.integers(0, 999),
    position=st.integers(14, 16),
    shift=st.integers(1, 9),
)
def test_mod_11_2_catches_every_single_digit_error(
    district: str, born: dt.date, sequence: int, position: int, shift: int
) -> None:
    first17 = f"{district}{born:%Y%m%d}{sequence:03d}"
    number = first17 + id_check_char(first17)
    wrong = number[:position] + str((int(number[position]) + shift) % 10) + number[position + 1 :]
    with pytest.raises(ValidationError, match="校验码"):
        validate_id_number(wrong, today=dt.date(2026, 1, 1))
