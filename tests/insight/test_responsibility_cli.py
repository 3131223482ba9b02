"""``zhengfa insight score``: scores the year, writes XLSX/PDF, refuses bad input (exit 2)
before writing anything."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from tests.insight.test_responsibility_pages import pdf_text
from tests.insight.test_responsibility_scoring import YEAR, responsible_units
from tests.org.mini_city import MiniCity
from zhengfa.insight.responsibility.models import UnitScore
from zhengfa.insight.responsibility.services import targets_fill_defaults
from zhengfa.org.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def units(mini_city: MiniCity) -> list[Unit]:
    found = responsible_units(mini_city)
    targets_fill_defaults(actor=None, units=found, year=YEAR)
    return found


def score(*args: str) -> str:
    out = io.StringIO()
    call_command("insight", "score", *args, stdout=out)
    return out.getvalue()


def test_scores_the_year_and_writes_the_units_report(units: list[Unit], tmp_path: Path) -> None:
    xlsx, pdf = tmp_path / "r.xlsx", tmp_path / "r.pdf"
    args = ["--year", str(YEAR), "--as-of", "2026-06-30", "--unit", units[0].code]
    printed = score(*args, "--xlsx", str(xlsx), "--pdf", str(pdf))
    assert f"3 unit(s) scored for {YEAR}, data as of 2026-06-30" in printed
    assert UnitScore.objects.filter(year=YEAR).count() == 3
    sheet = load_workbook(xlsx).active
    assert sheet is not None and sheet.max_row == 1 + 7 + 1
    assert units[0].name in pdf_text(pdf.read_bytes())


def test_without_a_unit_the_xlsx_is_the_scores_table(units: list[Unit], tmp_path: Path) -> None:
    xlsx = tmp_path / "all.xlsx"
    score("--year", str(YEAR), "--as-of", "2026-06-30", "--xlsx", str(xlsx))
    sheet = load_workbook(xlsx).active
    assert sheet is not None
    codes = {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert codes == {unit.code for unit in units}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--year", "20x6"], "accepted: a year 2000–2100"),
        (["--year", "2026", "--as-of", "2026-13-01"], "accepted: a date YYYY-MM-DD"),
        (["--year", "2026", "--as-of", "2025-12-31"], "before the year 2026 began"),
        (["--year", "2026", "--unit", "nope"], "not a responsible unit"),
        (["--year", "2026", "--pdf", "x.pdf"], "--pdf needs --unit"),
        (["--year", "2026", "--xlsx", "/no/such/dir/x.xlsx"], "does not exist"),
        (["--year", "2019"], "no unit has targets for that year"),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(
    units: list[Unit], args: list[str], message: str
) -> None:
    with pytest.raises(CommandError, match=message) as raised:
        score(*args)
    assert raised.value.returncode == 2
    assert not UnitScore.objects.exists()
