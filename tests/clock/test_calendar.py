"""The work calendar: published years, make-up days, the provisional 2027, strict mode."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import chinese_calendar
import pytest

from zhengfa.clock.calendar import WorkCalendar
from zhengfa.clock.errors import CalendarYearMissing
from zhengfa.clock.sources import provisional, statutory_days

from .conftest import PUBLISHED_YEARS, pinned_calendar


def test_published_years_are_pinned(calendar: WorkCalendar) -> None:
    assert calendar.published_years == frozenset(PUBLISHED_YEARS)
    assert calendar.is_provisional(2027)


@pytest.mark.parametrize("year", [2020, 2023, 2024, 2025, 2026])
def test_every_day_agrees_with_chinesecalendar(calendar: WorkCalendar, year: int) -> None:
    day = date(year, 1, 1)
    while day.year == year:
        assert calendar.is_rest_day(day) == chinese_calendar.is_holiday(day), day
        day = date.fromordinal(day.toordinal() + 1)


@pytest.mark.parametrize(
    ("day", "rest", "makeup"),
    [
        (date(2026, 2, 14), False, True),  # Saturday make-up working day before Spring Festival
        (date(2026, 2, 28), False, True),
        (date(2026, 2, 20), True, False),  # weekday 调休 rest day
        (date(2026, 10, 10), False, True),
        (date(2026, 10, 7), True, False),  # National Day block
        (date(2024, 2, 29), False, False),  # leap day, an ordinary Thursday
        (date(2026, 1, 4), False, True),  # Sunday make-up day
        (date(2026, 3, 14), True, False),  # ordinary Saturday
    ],
)
def test_holiday_edges(calendar: WorkCalendar, day: date, rest: bool, makeup: bool) -> None:
    assert calendar.is_rest_day(day) is rest
    assert calendar.is_makeup_workday(day) is makeup


def test_next_workday_skips_the_national_day_block(calendar: WorkCalendar) -> None:
    assert calendar.next_workday(date(2026, 10, 1)) == date(2026, 10, 8)
    assert calendar.next_workday(date(2026, 9, 19)) == date(2026, 9, 20)  # make-up Sunday


def test_provisional_2027_statutory_days_and_buxia() -> None:
    arrangement = provisional(2027)
    assert arrangement.provisional and not arrangement.workdays
    spring = {date(2027, 2, 5), date(2027, 2, 6), date(2027, 2, 7), date(2027, 2, 8)}
    assert spring <= arrangement.holidays  # 除夕 to 初三 (lunar new year 2027-02-06)
    # 初一 (Sat) and 初二 (Sun) are given back on the next working days (art. 6)
    assert {date(2027, 2, 9), date(2027, 2, 10)} <= arrangement.holidays
    assert date(2027, 4, 5) in arrangement.holidays  # Qingming solar term
    assert date(2027, 6, 9) in arrangement.holidays  # Dragon Boat, lunar 5-5
    assert date(2027, 9, 15) in arrangement.holidays  # Mid-Autumn, lunar 8-15
    assert len(statutory_days(2027)) == 13


def test_provisional_mid_autumn_on_national_day_is_given_back() -> None:
    arrangement = provisional(2028)  # Mid-Autumn 2028-10-03 coincides with National Day
    assert date(2028, 10, 5) in arrangement.holidays


def test_provisional_year_is_a_rest_day_source(calendar: WorkCalendar) -> None:
    assert calendar.is_rest_day(date(2027, 2, 9))
    assert calendar.year_source(2027).startswith("provisional")


def test_strict_mode_refuses_a_provisional_year(calendar: WorkCalendar) -> None:
    strict = calendar.with_strict(True)
    with pytest.raises(CalendarYearMissing, match="2027.*import-notice"):
        strict.is_rest_day(date(2027, 3, 1))
    assert strict.is_rest_day(date(2026, 3, 1))


def test_out_of_range_year(calendar: WorkCalendar) -> None:
    with pytest.raises(CalendarYearMissing, match="1999 is outside"):
        calendar.is_rest_day(date(1999, 1, 1))


def test_imported_year_is_published(tmp_path: Path) -> None:
    (tmp_path / "2027.json").write_text(
        '{"year": 2027, "holidays": ["2027-02-11"], "workdays": ["2027-02-20"], "source": "t"}'
    )
    calendar = pinned_calendar(tmp_path)
    assert 2027 in calendar.published_years
    assert calendar.is_rest_day(date(2027, 2, 11))
    assert calendar.is_makeup_workday(date(2027, 2, 20))
    assert not calendar.is_rest_day(date(2027, 2, 9))  # no longer the provisional 补假
