"""Clock tests: a calendar whose published years are pinned, so that a newer
``chinesecalendar`` release (say, one covering 2027) does not change what they check."""

from __future__ import annotations

from pathlib import Path

import pytest

from zhengfa.clock.calendar import WorkCalendar

PUBLISHED_YEARS = range(2004, 2027)  # chinesecalendar 1.11.0 covers 2004–2026
DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def isolated_calendar_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Imported notices go to a fresh folder, never ./var/calendar."""
    directory = tmp_path / "calendar"
    monkeypatch.setenv("ZHENGFA_CALENDAR_DIR", str(directory))
    return directory


@pytest.fixture(scope="session")
def calendar() -> WorkCalendar:
    return pinned_calendar()


def pinned_calendar(notice_dir: Path | None = None) -> WorkCalendar:
    return WorkCalendar.load(
        chinesecalendar_years=PUBLISHED_YEARS, notice_dir=notice_dir or Path("/nonexistent")
    )
