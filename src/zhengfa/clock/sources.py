"""Where a year's holiday arrangement comes from: the official notice (via the
``chinesecalendar`` package, the project's data files or an imported notice), or, for a year
whose notice is not loaded, the provisional arrangement the national holiday rules fix.

Rules of 全国年节及纪念日放假办法 (State Council, revised 2024-11-10, in force 2025-01-01):
art. 2: 13 statutory days for all citizens; art. 6: a statutory day that falls on a Saturday
or Sunday is given back on a working day (补假). Make-up working days (调休上班日) are set by
each year's notice and cannot be predicted, which is why such a year is only provisional.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
from lunardate import LunarDate

HOLIDAY_RULES_CITATION = "全国年节及纪念日放假办法 (2024 revision) arts. 2, 6"
DATA_YEARS_DIR = Path(__file__).parent / "data" / "years"


@dataclass(frozen=True)
class YearArrangement:
    """One year's official arrangement: the days off it grants (including any weekend days
    inside a holiday block, and dates that spill into the neighbouring year) and the
    make-up working days (调休上班日)."""

    year: int
    holidays: frozenset[date]
    workdays: frozenset[date]
    source: str
    provisional: bool = False
    notes: tuple[str, ...] = field(default=())

    def to_json(self) -> dict[str, object]:
        return {
            "year": self.year,
            "holidays": [d.isoformat() for d in sorted(self.holidays)],
            "workdays": [d.isoformat() for d in sorted(self.workdays)],
            "source": self.source,
        }

    @classmethod
    def from_json(cls, data: dict[str, object], *, source: str | None = None) -> YearArrangement:
        holidays = data.get("holidays", [])
        workdays = data.get("workdays", [])
        if not isinstance(holidays, list) or not isinstance(workdays, list):
            raise ValueError("'holidays' and 'workdays' must be lists of ISO dates")
        return cls(
            year=int(str(data["year"])),
            holidays=frozenset(date.fromisoformat(str(d)) for d in holidays),
            workdays=frozenset(date.fromisoformat(str(d)) for d in workdays),
            source=source or str(data.get("source", "data file")),
        )


def chinesecalendar_years() -> range:
    """The years the installed ``chinesecalendar`` release covers (2004–2026 for 1.11.0)."""
    years = {d.year for d in chinese_calendar.holidays}
    return range(min(years), max(years) + 1)


def from_chinesecalendar(year: int) -> YearArrangement:
    version = getattr(chinese_calendar, "__version__", "")
    return YearArrangement(
        year=year,
        holidays=frozenset(d for d in chinese_calendar.holidays if d.year == year),
        workdays=frozenset(d for d in chinese_calendar.workdays if d.year == year),
        source=f"chinesecalendar {version}".strip(),
    )


def load_json_years(directory: Path) -> list[YearArrangement]:
    """Every ``YYYY.json`` in a directory (the shipped data or imported notices)."""
    if not directory.is_dir():
        return []
    found = []
    for path in sorted(directory.glob("[0-9][0-9][0-9][0-9].json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        found.append(YearArrangement.from_json(data, source=str(data.get("source", path.name))))
    return found


def statutory_days(year: int) -> list[tuple[date, str]]:
    """The 13 statutory holiday days of 全国年节及纪念日放假办法 art. 2 (2024 revision) for a
    year, with lunar dates and the Qingming solar term computed."""
    new_year = LunarDate(year, 1, 1).to_solar_date()
    qingming = _qingming(year)
    return [
        (date(year, 1, 1), "元旦 New Year"),
        (new_year - timedelta(days=1), "除夕 Spring Festival eve"),
        (new_year, "春节 Spring Festival day 1"),
        (new_year + timedelta(days=1), "春节 Spring Festival day 2"),
        (new_year + timedelta(days=2), "春节 Spring Festival day 3"),
        (qingming, "清明 Qingming"),
        (date(year, 5, 1), "劳动节 Labour Day"),
        (date(year, 5, 2), "劳动节 Labour Day"),
        (LunarDate(year, 5, 5).to_solar_date(), "端午 Dragon Boat"),
        (LunarDate(year, 8, 15).to_solar_date(), "中秋 Mid-Autumn"),
        (date(year, 10, 1), "国庆 National Day"),
        (date(year, 10, 2), "国庆 National Day"),
        (date(year, 10, 3), "国庆 National Day"),
    ]


def _qingming(year: int) -> date:
    terms = chinese_calendar.get_solar_terms(date(year, 4, 1), date(year, 4, 10))
    return next(day for day, name in terms if name == "清明")


def provisional(year: int) -> YearArrangement:
    """Weekends plus the statutory days; a statutory day on a weekend, or on a day another
    holiday already takes (Mid-Autumn on 1–3 October), is given back on the next working
    day (补假, art. 6). No make-up working days: they cannot be predicted."""
    statutory = sorted(statutory_days(year))
    days_off = {day for day, _ in statutory}
    seen: set[date] = set()
    notes = []
    for day, name in statutory:
        if day.weekday() < 5 and day not in seen:
            seen.add(day)
            continue
        given_back = _next_free_weekday(day, days_off)
        days_off.add(given_back)
        notes.append(f"{name} {day.isoformat()} falls on a rest day: 补假 {given_back.isoformat()}")
    return YearArrangement(
        year=year,
        holidays=frozenset(days_off),
        workdays=frozenset(),
        source=f"provisional: {HOLIDAY_RULES_CITATION}",
        provisional=True,
        notes=tuple(notes),
    )


def _next_free_weekday(day: date, taken: set[date]) -> date:
    candidate = day + timedelta(days=1)
    while candidate.weekday() >= 5 or candidate in taken:
        candidate += timedelta(days=1)
    return candidate
