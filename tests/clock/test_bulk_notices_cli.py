"""Bulk equals scalar; notices parse to the package's days; CLI bad input exits 2."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import chinese_calendar
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhengfa.clock import Clock, MonthRule, NoticeParseError, Period, Unit, WorkCalendar
from zhengfa.clock.bulk import (
    KIND_DAYS,
    KIND_MONTHS_CIVIL,
    KIND_MONTHS_CRIMINAL,
    KIND_WORKDAYS,
    due_dates,
    provisional_mask,
)
from zhengfa.clock.cli import main
from zhengfa.clock.notices import parse_notice

NOTICES = Path(__file__).parents[2] / "src" / "zhengfa" / "clock" / "data" / "notices"
KIND_PERIOD = {
    KIND_DAYS: (Unit.DAYS, MonthRule.CIVIL),
    KIND_MONTHS_CIVIL: (Unit.MONTHS, MonthRule.CIVIL),
    KIND_MONTHS_CRIMINAL: (Unit.MONTHS, MonthRule.CRIMINAL),
    KIND_WORKDAYS: (Unit.WORKDAYS, MonthRule.CIVIL),
}
ROW = st.tuples(
    st.dates(min_value=date(2020, 1, 1), max_value=date(2027, 6, 30)),
    st.sampled_from(sorted(KIND_PERIOD)),
    st.integers(1, 40),
    st.integers(0, 30),
    st.integers(0, 6),
    st.booleans(),
)


def scalar_due(calendar: WorkCalendar, row: tuple[date, int, int, int, int, bool]) -> date:
    start, kind, amount, pause, extension, custody = row
    unit, rule = KIND_PERIOD[kind]
    clock = Clock.for_periods(
        start, Period(amount, unit), month_rule=rule, custody=custody, calendar=calendar
    )
    if extension:
        clock = clock.extend(Period(extension, unit))
    if pause:
        clock = clock.deduct(pause, "suspension")
    return clock.due_on


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(ROW, min_size=1, max_size=40))
def test_bulk_equals_scalar(calendar: WorkCalendar, rows: list[tuple]) -> None:
    starts = np.array([r[0] for r in rows], dtype="datetime64[D]")
    columns = [np.array([r[i] for r in rows]) for i in range(1, 6)]
    kinds, amounts, pauses, extensions, custody = columns
    custody = np.where(kinds == KIND_WORKDAYS, False, custody)
    bulk = due_dates(
        starts,
        kinds,
        amounts,
        pause_days=pauses,
        extension=extensions,
        custody=custody,
        calendar=calendar,
    )
    fixed = [(*r[:5], bool(c)) for r, c in zip(rows, custody, strict=True)]
    expected = np.array([scalar_due(calendar, r) for r in fixed], dtype="datetime64[D]")
    assert (bulk == expected).all()


def test_bulk_takes_ordinals_too(calendar: WorkCalendar) -> None:
    ordinals = np.array([date(2026, 9, 21).toordinal()])
    due = due_dates(ordinals, np.array([KIND_DAYS]), np.array([10]), calendar=calendar)
    assert date.fromordinal(int(due[0])) == date(2026, 10, 8)  # V40


def test_bulk_marks_provisional_years(calendar: WorkCalendar) -> None:
    due = np.array(["2026-12-31", "2027-01-04"], dtype="datetime64[D]")
    assert provisional_mask(due, calendar).tolist() == [False, True]


def test_bulk_strict_refuses_2027(calendar: WorkCalendar) -> None:
    from zhengfa.clock import CalendarYearMissing

    starts = np.array(["2026-12-20"], dtype="datetime64[D]")
    with pytest.raises(CalendarYearMissing, match="2027"):
        due_dates(
            starts, np.array([KIND_DAYS]), np.array([30]), calendar=calendar.with_strict(True)
        )


# -- notices ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(NOTICES.glob("*.txt")), ids=lambda p: p.stem)
def test_notice_parses_to_the_package_days(path: Path) -> None:
    year = int(path.stem)
    arrangement = parse_notice(path.read_text(encoding="utf-8"), year=year)
    assert arrangement.year == year
    weekday_holidays = {d for d in arrangement.holidays if d.weekday() < 5 and d.year == year}
    package = {d for d in chinese_calendar.holidays if d.weekday() < 5 and d.year == year}
    assert weekday_holidays == package
    assert arrangement.workdays == {d for d in chinese_calendar.workdays if d.year == year}


def test_encouraged_eve_is_not_a_holiday() -> None:
    text = (NOTICES / "2024.txt").read_text(encoding="utf-8")
    assert date(2024, 2, 9) not in parse_notice(text).holidays  # "鼓励…除夕休息"


def test_range_across_the_new_year() -> None:
    arrangement = parse_notice((NOTICES / "2023.txt").read_text(encoding="utf-8"))
    assert date(2022, 12, 31) in arrangement.holidays
    assert date(2023, 1, 2) in arrangement.holidays


def test_notice_without_a_year_needs_one() -> None:
    text = (NOTICES / "2014.txt").read_text(encoding="utf-8").replace("2014年", "")
    with pytest.raises(NoticeParseError, match="--year"):
        parse_notice(text)
    assert parse_notice(text, year=2014).year == 2014


def test_garbage_is_refused() -> None:
    with pytest.raises(NoticeParseError, match="no holiday dates"):
        parse_notice("国务院办公厅关于2027年部分节假日安排的通知\n没有内容")


# -- CLI ----------------------------------------------------------------------------------

NOTICE_2027 = """国务院办公厅关于2027年部分节假日安排的通知
一、元旦：1月1日（周五）至3日（周日）放假，共3天。
二、春节：2月5日（农历除夕、周五）至12日（农历正月初七、周五）放假调休，共8天。2月20日（周六）上班。
"""


def test_import_notice_stores_and_reports(
    tmp_path: Path, isolated_calendar_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notice = tmp_path / "2027.txt"
    notice.write_text(NOTICE_2027, encoding="utf-8")
    assert main(["import-notice", str(notice), "--dry-run", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["year"] == 2027 and report["workdays"] == ["2027-02-20"]
    assert "2027-02-12" in report["holidays"]
    assert not isolated_calendar_dir.exists()  # dry run stores nothing
    assert main(["import-notice", str(notice), "--json"]) == 0
    assert (isolated_calendar_dir / "2027.json").exists()
    capsys.readouterr()
    # with the notice loaded, 2027 is no longer provisional
    assert (
        main(
            [
                "due",
                "--start",
                "2026-12-20",
                "--days",
                "30",
                "--strict-calendar",
                "--calendar-dir",
                str(isolated_calendar_dir),
                "--json",
            ]
        )
        == 0
    )
    assert not json.loads(capsys.readouterr().out)["warnings"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["due", "--start", "2026-02-30", "--days", "3"], "accepted: YYYY-MM-DD"),
        (["due", "--start", "2026-03-01"], "no period given"),
        (["due", "--start", "2026-03-01", "--days", "-3"], "0 or more"),
        (["due", "--start", "2026-03-01", "--days", "3", "--months", "1"], "not allowed with"),
        (["due", "--start", "2026-03-01", "--days", "3", "--rule", "civil.nope"], "accepted codes"),
        (["due", "--start", "2026-03-01", "--days", "30", "--pause", "2026-03-05"], "A:B"),
        (
            [
                "due",
                "--start",
                "2026-03-01",
                "--days",
                "30",
                "--pause",
                "2026-03-05:2026-03-10",
                "--pause",
                "2026-03-08:2026-03-12",
            ],
            "overlaps",
        ),
        (
            ["due", "--start", "2026-03-01", "--days", "3", "--pause", "2026-05-01:2026-05-03"],
            "outside the clock's run",
        ),
        (
            ["due", "--start", "2026-12-01", "--months", "2", "--strict-calendar"],
            "CalendarYearMissing: 2027",
        ),
        (["due", "--start", "2026-03-01", "--hours", "3"], "date-time start"),
        (
            [
                "due",
                "--start",
                "2026-01-05",
                "--rule",
                "civil.first.simple",
                "--extend-months",
                "2",
            ],
            "at most 1 months",
        ),
        (["import-notice", "/nonexistent/notice.txt"], "cannot read"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_input_exits_2_with_what_is_accepted(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(args) == 2
    captured = capsys.readouterr()
    assert message in captured.err
    assert captured.out == ""


def test_rules_prints_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--json"]) == 0
    table = json.loads(capsys.readouterr().out)
    codes = {row["code"] for row in table}
    assert {"civil.first.ordinary", "licence.decide", "public_order.2025"} <= codes
    assert main(["rules"]) == 0
    assert "NOT VERIFIED" in capsys.readouterr().out


@settings(max_examples=200, deadline=None)
@given(row=ROW)
def test_scalar_fast_path_equals_the_clock(
    calendar: WorkCalendar, row: tuple[date, int, int, int, int, bool]
) -> None:
    from zhengfa.clock.periods import due_date

    start, kind, amount, pause, _, _ = row
    unit, rule = KIND_PERIOD[kind]
    fast = due_date(calendar, start, amount, unit, rule, extra_days=pause)
    assert fast == scalar_due(calendar, (start, kind, amount, pause, 0, False))
