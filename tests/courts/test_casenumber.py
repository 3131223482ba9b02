"""Case numbers (案号): every code of the SPC table, malformed numbers, round trips."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhengfa.courts.casenumber import (
    FIRST_YEAR,
    REVIEW_TYPE_CODE,
    CaseCategory,
    CaseNumber,
    CaseNumberError,
    CasePart,
    CaseType,
    case_types,
    check_court_code,
    court_prefixes,
    format_case_number,
    parse_case_number,
    special_trial_codes,
)


def _year_in_use(case_type: CaseType) -> int:
    return case_type.from_date.year if case_type.from_date else 2026


def _sequence_for(code: str) -> int:
    return 20260417 if code == REVIEW_TYPE_CODE else 1234


def test_the_table_is_the_spc_standard_with_its_sources() -> None:
    table = case_types()
    assert len(table) == 131
    assert {t.category for t in table.values()} == set(CaseCategory)
    assert all(t.source for t in table.values())
    assert table["民初"].name == "民事一审" and table["民初"].standard_class == "0301"
    assert table["执恢"].category is CaseCategory.ENFORCEMENT
    assert table["行赔初"].category is CaseCategory.STATE_COMPENSATION
    assert len(court_prefixes()) == 34  # 最高法, 31 provinces, 军, 兵


@pytest.mark.parametrize("code", list(case_types()))
def test_every_case_type_code_parses_in_a_number(code: str) -> None:
    case_type = case_types()[code]
    year, sequence = _year_in_use(case_type), _sequence_for(code)
    number = parse_case_number(f"（{year}）黑0402{code}{sequence}号")
    assert number == CaseNumber(year, "黑0402", code, sequence)
    assert number.type_name == case_type.name


def test_the_example_of_the_issue() -> None:
    number = parse_case_number("（2026）豫1502民初1234号")
    assert number.as_dict() == {
        "year": 2026,
        "court_code": "豫1502",
        "type_code": "民初",
        "type_name": "民事一审",
        "sequence": 1234,
    }
    assert number.court_level == "basic"


@pytest.mark.parametrize(
    "text",
    [
        "（2026）黑04民终3号",
        "(2026)黑04民终3号",
        "(2026）黑04民终3号",
        "（２０２６）黑04民终３号",
        " (2026)黑04民终3号\n",
    ],
)
def test_full_width_and_half_width_forms_read_alike(text: str) -> None:
    assert str(parse_case_number(text)) == "（2026）黑04民终3号"


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("（2026）最高法民再12号", "supreme"),
        ("（2026）黑民终5号", "high"),
        ("（2026）内民终5号", "high"),
        ("（2026）黑04刑初9号", "intermediate"),
        ("（2026）黑0402执1号", "basic"),
        ("（2026）兵08民终2号", "intermediate"),
    ],
)
def test_the_court_level_follows_the_court_code(text: str, level: str) -> None:
    assert parse_case_number(text).court_level == level


def test_the_special_trial_code_sits_between_court_and_type() -> None:
    number = parse_case_number("（2019）最高法知民终1号")
    assert (number.special_code, number.type_code) == ("知", "民终")
    assert number.as_dict()["special_code"] == "知"
    assert "知" in special_trial_codes()


@pytest.mark.parametrize(
    ("text", "part", "says"),
    [
        ("2026豫1502民初1234号", CasePart.YEAR, "starts with"),
        ("（26）豫1502民初1234号", CasePart.YEAR, "not a year"),
        ("（二〇二六）豫1502民初1234号", CasePart.YEAR, "not a year"),
        ("（2015）豫1502民初1234号", CasePart.YEAR, "before 2016"),
        ("（2026）X1502民初1234号", CasePart.COURT_CODE, "does not start with a court code"),
        ("（2026）豫150民初1234号", CasePart.COURT_CODE, "not 3"),
        ("（2026）豫150201民初1234号", CasePart.COURT_CODE, "not 6"),
        ("（2026）最高法01民初1号", CasePart.COURT_CODE, "takes no digits"),
        ("（2026）豫1502民甲1234号", CasePart.TYPE_CODE, "not a case-type code"),
        ("（2026）豫15021234号", CasePart.TYPE_CODE, "no case-type code"),
        ("（2026）豫1502民破1号", CasePart.TYPE_CODE, "2016-07-31"),
        ("（2014）海民初字第5号", CasePart.TYPE_CODE, "before 2016"),
        ("（2018）最高法知民终1号", CasePart.SPECIAL_CODE, "2019-01-01"),
        ("（2026）豫1502民初号", CasePart.SEQUENCE, "no sequence number"),
        ("（2026）豫1502民初0012号", CasePart.SEQUENCE, "leading zeros"),
        ("（2026）豫1502民初12a4号", CasePart.SEQUENCE, "only digits"),
        ("（2026）豫1502民初123456789号", CasePart.SEQUENCE, "at most 8"),
        ("（2026）最高法刑核1234号", CasePart.SEQUENCE, "exactly 8 digits"),
        ("（2026）豫1502民初1234", CasePart.SUFFIX, "ends with 号"),
        ("（2026）豫1502民初1234号之一", CasePart.SUFFIX, "ends with 号"),
    ],
)
def test_a_malformed_number_names_the_wrong_part(text: str, part: CasePart, says: str) -> None:
    with pytest.raises(CaseNumberError) as caught:
        parse_case_number(text)
    assert caught.value.part is part
    assert says in caught.value.message
    assert str(caught.value).startswith(f"{part.value}: ")


def test_a_year_after_max_year_is_refused() -> None:
    assert parse_case_number("（2026）黑04民初1号", max_year=2026).year == 2026
    with pytest.raises(CaseNumberError) as caught:
        parse_case_number("（2027）黑04民初1号", max_year=2026)
    assert caught.value.part is CasePart.YEAR and "future" in caught.value.message


@pytest.mark.parametrize("code", list(case_types()))
def test_format_then_parse_round_trips_for_every_code(code: str) -> None:
    year, sequence = _year_in_use(case_types()[code]), _sequence_for(code)
    text = format_case_number(year=year, court_code="豫15", type_code=code, sequence=sequence)
    assert text == f"（{year}）豫15{code}{sequence}号"
    assert parse_case_number(text) == CaseNumber(year, "豫15", code, sequence)


@pytest.mark.parametrize(
    ("parts", "part"),
    [
        ({"year": 26}, CasePart.YEAR),
        ({"court_code": "豫150"}, CasePart.COURT_CODE),
        ({"court_code": "河南"}, CasePart.COURT_CODE),
        ({"type_code": "民初1"}, CasePart.TYPE_CODE),
        ({"type_code": "甲"}, CasePart.TYPE_CODE),
        ({"sequence": 0}, CasePart.SEQUENCE),
        ({"sequence": -5}, CasePart.SEQUENCE),
        ({"special_code": "金"}, CasePart.SPECIAL_CODE),
    ],
)
def test_format_refuses_a_bad_part_by_name(parts: dict[str, object], part: CasePart) -> None:
    arguments: dict[str, object] = {
        "year": 2026,
        "court_code": "豫1502",
        "type_code": "民初",
        "sequence": 7,
        **parts,
    }
    with pytest.raises(CaseNumberError) as caught:
        format_case_number(**arguments)  # type: ignore[arg-type]
    assert caught.value.part is part


_usable_types = [t for t in case_types().values() if t.to_date is None]


@given(
    year=st.integers(min_value=2019, max_value=2099),
    prefix=st.sampled_from(sorted(court_prefixes())),
    digits=st.sampled_from(["", "04", "0402", "71", "7101", "0192"]),
    case_type=st.sampled_from(_usable_types),
    special=st.sampled_from(["", "知"]),
    sequence=st.integers(min_value=1, max_value=99_999_999),
)
def test_any_well_formed_number_round_trips(
    year: int, prefix: str, digits: str, case_type: CaseType, special: str, sequence: int
) -> None:
    court = prefix if prefix == "最高法" else prefix + digits
    if case_type.code == REVIEW_TYPE_CODE:
        sequence = 10_000_000 + sequence % 90_000_000
    text = format_case_number(
        year=year,
        court_code=court,
        special_code=special,
        type_code=case_type.code,
        sequence=sequence,
    )
    assert parse_case_number(text) == CaseNumber(year, court, case_type.code, sequence, special)
    assert parse_case_number(text.replace("（", "(").replace("）", ")")) == parse_case_number(text)


@pytest.mark.parametrize("code", ["最高法", "黑", "黑04", "黑0402", "兵08", "京7101"])
def test_court_codes_alone(code: str) -> None:
    assert check_court_code(code) == code


@pytest.mark.parametrize("code", ["黑040", "黑04民", "鹤岗", "最高法1", ""])
def test_bad_court_codes_alone(code: str) -> None:
    with pytest.raises(CaseNumberError) as caught:
        check_court_code(code)
    assert caught.value.part is CasePart.COURT_CODE


def test_first_year_is_when_the_rules_took_effect() -> None:
    assert FIRST_YEAR == 2016
    assert parse_case_number("（2016）黑0402民初1号").year == 2016
