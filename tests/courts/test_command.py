"""``zhengfa courts …``: the JSON of a case number, exit code 2, importing catalogues."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, date, datetime
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.courts.conftest import People, db_state
from tests.courts.test_causes import GOOD_CSV
from zhengfa.audit.models import AuditEntry
from zhengfa.courts.casenumber import case_types
from zhengfa.courts.selectors import causes_in_force

# 2026-04-17 10:00 in Shanghai: the current year is 2026.
NOW = datetime(2026, 4, 17, 2, 0, tzinfo=UTC)


def _run(*args: str) -> str:
    out = StringIO()
    call_command("courts", *args, stdout=out)
    return out.getvalue()


def _refused(*args: str) -> tuple[CommandError, str]:
    out = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("courts", *args, stdout=out)
    assert caught.value.returncode == 2
    return caught.value, out.getvalue()


@time_machine.travel(NOW, tick=False)
def test_case_number_json_prints_the_parts() -> None:
    printed = json.loads(_run("case-number", "（2026）豫1502民初1234号", "--json"))
    assert printed == {
        "year": 2026,
        "court_code": "豫1502",
        "type_code": "民初",
        "type_name": "民事一审",
        "sequence": 1234,
    }


@time_machine.travel(NOW, tick=False)
def test_case_number_text_names_level_and_category() -> None:
    printed = _run("case-number", "(2026)黑04执恢8号")
    assert "court_code: 黑04" in printed and "court_level: intermediate" in printed
    assert "执行 Enforcement" in printed


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("text", "part"),
    [
        ("（2027）豫1502民初1号", "year"),  # next year, seen from 2026
        ("（2026）豫1502民甲1号", "type_code"),
        ("（2026）鹤1502民初1号", "court_code"),
        ("（2026）豫1502民初1", "suffix"),
    ],
)
def test_a_bad_case_number_exits_2_naming_the_part(text: str, part: str) -> None:
    error, printed = _refused("case-number", text, "--json")
    assert str(error).startswith(f"{part}: ")
    assert json.loads(printed)["error"]["part"] == part


def test_the_console_command_exits_2() -> None:
    zhengfa = Path(sys.executable).with_name("zhengfa")
    done = subprocess.run(
        [str(zhengfa), "courts", "case-number", "（2026）豫1502民初01号"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "sequence: 01: a sequence number has no leading zeros" in done.stderr


def test_case_types_lists_the_whole_table() -> None:
    listed = json.loads(_run("case-types", "--json"))
    assert [row["code"] for row in listed] == list(case_types())


@pytest.mark.django_db
def test_import_causes_stores_an_unverified_catalogue(tmp_path: Path) -> None:
    path = tmp_path / "civil-2025.csv"
    path.write_text(GOOD_CSV, encoding="utf-8")
    printed = _run(
        "import-causes",
        str(path),
        "--kind",
        "civil",
        "--effective-from",
        "2026-01-01",
        "--unverified",
        "--title",
        "民事案件案由规定",
        "--version",
        "2025修正",
    )
    assert printed.startswith("imported: 民事案件案由规定（2025修正） 2026-01-01")
    catalogue = causes_in_force("civil", date(2026, 5, 1))
    assert catalogue is not None and not catalogue.verified
    assert catalogue.source == f"imported from {path}"
    entry = AuditEntry.objects.get(action="courts.cause_catalogue_import")
    assert entry.actor_label == "system"
    assert "already imported" in _run(
        "import-causes", str(path), "--kind", "civil", "--effective-from", "2026-01-01",
        "--unverified", "--version", "2025修正",
    )  # fmt: skip


@pytest.mark.django_db
def test_import_causes_names_every_bad_row_exits_2_and_stores_nothing(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(GOOD_CSV + "C3,3,丙纠纷,NOPE\nC4,x,丁纠纷,K1\n", encoding="utf-8")
    before = db_state()
    error, _ = _refused(
        "import-causes", str(path), "--kind", "civil", "--effective-from", "2026-01-01"
    )
    assert "nothing was stored" in str(error)
    assert "rows[6].parent_code" in str(error) and "rows[7].level" in str(error)
    assert db_state() == before


@pytest.mark.django_db
def test_import_causes_refuses_a_bad_date_and_an_outsider(tmp_path: Path, people: People) -> None:
    path = tmp_path / "good.csv"
    path.write_text(GOOD_CSV, encoding="utf-8")
    before = db_state()
    error, _ = _refused(
        "import-causes", str(path), "--kind", "civil", "--effective-from", "1.1.2026"
    )
    assert "YYYY-MM-DD" in str(error)
    args = ("import-causes", str(path), "--kind", "civil", "--effective-from", "2026-01-01")
    error, _ = _refused(*args, "--actor", people.registrar.username)
    assert "only a platform admin" in str(error)
    error, _ = _refused(*args, "--actor", "nobody")
    assert "no user" in str(error)
    assert db_state() == before
    assert "imported" in _run(*args, "--actor", people.admin.username)
