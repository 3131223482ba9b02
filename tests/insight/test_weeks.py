from __future__ import annotations

from datetime import date, timedelta

import pytest

from zhengfa.insight.weeks import (
    WeekFormatError,
    format_week,
    parse_week,
    week_grid,
    weeks_back,
)


def test_parse_and_format_round_trip() -> None:
    assert parse_week("2026-W14") == date(2026, 3, 30)
    assert format_week(date(2026, 3, 30)) == "2026-W14"
    assert parse_week("2020-W53") == date(2020, 12, 28)  # 2020 is a 53-week ISO year


@pytest.mark.parametrize("text", ["2026-14", "2026W14", "2026-W1", "26-W14", "2026-W00", ""])
def test_bad_forms_are_refused_with_the_accepted_form(text: str) -> None:
    with pytest.raises(WeekFormatError, match="2026-W14|has no week"):
        parse_week(text)


def test_week_53_of_a_52_week_year_does_not_exist() -> None:
    with pytest.raises(WeekFormatError, match="ISO year 2025 has no week 53"):
        parse_week("2025-W53")


def test_grid_and_calendar_year_lags() -> None:
    grid = week_grid(date(2025, 12, 29), date(2026, 1, 12))
    assert [format_week(m) for m in grid] == ["2026-W01", "2026-W02", "2026-W03"]
    # the same day some years back, to the nearest Monday: 52 weeks a year, with a 53rd
    # added whenever the leap days have made up most of a week
    mondays = [date(2020, 1, 6) + timedelta(weeks=i) for i in range(400)]
    assert {weeks_back(m, 1) for m in mondays} == {52}
    assert {weeks_back(m, 3) for m in mondays} == {156, 157}
    assert {weeks_back(m, 5) for m in mondays} == {261}
