"""Read the State Council's annual holiday notice (国务院办公厅关于YYYY年部分节假日安排的通知)
as published, and store the year it gives.

Only the numbered arrangement items (一、元旦：…) grant days. Within them:
- a clause with 放假 / 调休 / 补休 / 补假 grants every date or range it names;
- a clause with 上班 names make-up working days (调休上班日), except "…起正常上班";
- a clause with 延长…假期至 D (the 2020 extension notice) extends the holiday block up to D and
  cancels make-up working days inside it;
- a sentence with 鼓励 (encourages leave, e.g. on 除夕 in 2024) grants nothing.
Wording differences handled: 星期日/周日, full- or half-width punctuation, ranges whose end
omits the month (1月24日至30日) or that cross the new year (2022年12月31日至2023年1月2日).
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path

from zhengfa.clock.calendar import calendar_dir
from zhengfa.clock.errors import NoticeParseError
from zhengfa.clock.sources import YearArrangement

ITEM = re.compile(r"^[一二三四五六七八九十]+、")
PARENTHESES = re.compile(r"（[^）]*）")
YEAR_IN_TITLE = re.compile(r"(?:关于|现将|延长)(\d{4})年")
DAY = r"(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日"
RANGE = re.compile(DAY + "(?:至|－|—|-|~)" + DAY)
SINGLE = re.compile(DAY)
GRANTS = ("放假", "调休", "补休", "补假")
WIDTH = str.maketrans({"(": "（", ")": "）", ",": "，", ":": "：", ";": "；"})


def parse_notice(text: str, year: int | None = None) -> YearArrangement:
    """The days off and make-up working days a notice gives. ``year`` is needed only when
    the text does not name it (older notices: "现将元旦、春节…")."""
    normal = text.translate(WIDTH)
    notice_year = year or _year(normal)
    holidays: set[date] = set()
    workdays: set[date] = set()
    for item in _items(normal):
        for sentence in item.split("。"):
            if "鼓励" not in sentence:
                _read_sentence(sentence, notice_year, holidays, workdays)
    if not holidays:
        raise NoticeParseError(
            "no holiday dates found; accepted: the notice text with numbered items such as "
            "'一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。'"
        )
    _check_plausible(notice_year, holidays | workdays)
    return YearArrangement(
        year=notice_year,
        holidays=frozenset(holidays),
        workdays=frozenset(workdays - holidays),
        source=f"State Council notice on {notice_year} holidays (imported text)",
    )


def _year(text: str) -> int:
    match = YEAR_IN_TITLE.search(text)
    if match is None:
        raise NoticeParseError(
            "the notice does not name its year; accepted: a text containing "
            "'关于YYYY年部分节假日安排的通知' or '现将YYYY年…', or pass --year"
        )
    return int(match.group(1))


def _items(text: str) -> list[str]:
    lines = (line.strip() for line in text.splitlines())
    return [PARENTHESES.sub("", line) for line in lines if ITEM.match(line)]


def _read_sentence(sentence: str, year: int, holidays: set[date], workdays: set[date]) -> None:
    for clause in sentence.split("，"):
        if "延长" in clause and "至" in clause:
            _extend(clause, year, holidays, workdays)
        elif "上班" in clause and "正常上班" not in clause:
            workdays.update(_dates(clause, year))
        elif any(word in clause for word in GRANTS):
            holidays.update(_dates(clause, year))


def _dates(clause: str, year: int) -> list[date]:
    found: list[date] = []
    rest = clause
    for match in RANGE.finditer(clause):
        first = _date(match.group(1), match.group(2), match.group(3), year, None)
        last = _date(match.group(4), match.group(5), match.group(6), first.year, first)
        found += _span(first, last)
        rest = rest.replace(match.group(0), "")
    for match in SINGLE.finditer(rest):
        found.append(_date(match.group(1), match.group(2), match.group(3), year, None))
    return found


def _date(
    year_text: str | None, month_text: str | None, day_text: str, year: int, after: date | None
) -> date:
    """A date in the notice; a range end without a month takes the start's month."""
    if month_text is None:
        if after is None:
            raise NoticeParseError(f"a day without a month ({day_text}日) outside a range")
        month_text = str(after.month)
    try:
        return date(int(year_text or year), int(month_text), int(day_text))
    except ValueError as error:
        raise NoticeParseError(f"impossible date {month_text}月{day_text}日: {error}") from None


def _span(first: date, last: date) -> list[date]:
    if last < first:
        raise NoticeParseError(f"range {first} to {last} ends before it starts")
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _extend(clause: str, year: int, holidays: set[date], workdays: set[date]) -> None:
    """延长…假期至 D: the block before D runs on to D; make-up days inside are cancelled."""
    target = _dates(clause.split("至", 1)[1], year)[0]
    before = [d for d in holidays if d < target]
    if not before:
        raise NoticeParseError(f"an extension to {target} with no holiday block before it")
    extended = _span(max(before) + timedelta(days=1), target)
    holidays.update(extended)
    workdays.difference_update(extended)


def _check_plausible(year: int, days: set[date]) -> None:
    earliest, latest = date(year - 1, 12, 1), date(year + 1, 1, 31)
    strays = sorted(d for d in days if not earliest <= d <= latest)
    if strays:
        raise NoticeParseError(
            f"dates {', '.join(map(str, strays))} are far outside {year}; "
            "accepted: the notice for one year (pass --year if it is not named)"
        )


def store_notice(arrangement: YearArrangement, directory: Path | None = None) -> Path:
    """Save the year as ``YYYY.json`` in the calendar directory (created as needed)."""
    target = directory or calendar_dir()
    target.mkdir(parents=True, exist_ok=True)
    path = target / f"{arrangement.year}.json"
    payload = json.dumps(arrangement.to_json(), ensure_ascii=False, indent=2)
    temporary = path.with_suffix(".json.tmp")
    temporary.write_text(payload + "\n", encoding="utf-8")
    temporary.replace(path)  # atomic: a reader never sees half a file
    return path
