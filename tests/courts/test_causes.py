"""Cause-of-action catalogues: the shipped ones, importing, and picking one by filing date."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from tests.courts.conftest import People, db_state
from zhengfa.audit.models import AuditEntry
from zhengfa.courts.models import CauseCatalogue, CauseKind
from zhengfa.courts.selectors import catalogue_notice, causes_in_force, causes_of
from zhengfa.courts.services import cause_catalogue_import

GOOD_CSV = (
    "code,level,name,parent_code\n"
    "K1,1,第一部分,\n"
    "K1.G1,2,第一组,K1\n"
    "C1,3,甲纠纷,K1.G1\n"
    "C1.S1,4,甲之一纠纷,C1\n"
    "C2,3,乙纠纷,K1\n"
)


def _write(tmp_path: Path, text: str | bytes, name: str = "causes.csv") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _import(path: Path, **overrides: Any) -> Any:
    arguments: dict[str, Any] = {
        "actor": None,
        "kind": CauseKind.ADMINISTRATIVE,
        "path": path,
        "effective_from": date(2027, 1, 1),
        "verified": True,
        "source": "test catalogue",
    }
    arguments.update(overrides)
    return cause_catalogue_import(**arguments)


@pytest.mark.django_db
def test_the_shipped_catalogues_are_loaded_with_their_dates_and_trust() -> None:
    shipped = {c.kind: c for c in CauseCatalogue.objects.all()}
    assert set(shipped) == set(CauseKind.values)
    criminal, civil, administrative = (shipped[k] for k in ("criminal", "civil", "administrative"))
    assert criminal.verified and causes_of(criminal, level=3).count() == 483
    assert not civil.verified and not administrative.verified
    assert (civil.effective_from, civil.effective_to) == (date(2021, 1, 1), date(2025, 12, 31))
    assert causes_of(civil).count() == 927 and causes_of(administrative).count() == 157
    assert causes_of(criminal).first().name == "危害国家安全罪"  # type: ignore[union-attr]
    assert "2026-01-01" in civil.source and "法〔2025〕227号" in civil.source
    assert "未与官方文本核对" in civil.label and "未与官方文本核对" not in criminal.label


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "on", "version"),
    [
        ("civil", date(2020, 12, 31), None),
        ("civil", date(2021, 1, 1), "2020修正"),
        ("civil", date(2025, 12, 31), "2020修正"),
        ("civil", date(2026, 1, 1), None),  # the 2025 catalogue is not available
        ("criminal", date(2021, 2, 28), None),
        ("criminal", date(2021, 3, 1), "补充规定（八）后，483个罪名"),  # lead's decision
        ("criminal", date(2024, 3, 1), "补充规定（八）后，483个罪名"),
        ("criminal", date(2030, 6, 1), "补充规定（八）后，483个罪名"),
        ("administrative", date(2021, 1, 1), "2020暂行规定"),
        ("administrative", date(2020, 12, 31), None),
    ],
)
def test_causes_in_force_picks_the_catalogue_by_filing_date(
    kind: str, on: date, version: str | None
) -> None:
    catalogue = causes_in_force(kind, on)
    assert (catalogue.version if catalogue else None) == version


@pytest.mark.django_db
def test_the_notice_says_when_no_catalogue_is_in_force() -> None:
    notice = catalogue_notice(CauseKind.CIVIL, date(2026, 3, 2))
    assert "2026-03-02" in notice and "No catalogue in force" in notice
    assert "2021-01-01—2025-12-31" in notice  # the latest one, named
    assert catalogue_notice(CauseKind.CIVIL, date(2024, 5, 6)).startswith("民事案件案由规定")


@pytest.mark.django_db
def test_the_2025_civil_catalogue_can_be_imported_from_2026(tmp_path: Path) -> None:
    result = _import(
        _write(tmp_path, GOOD_CSV),
        kind=CauseKind.CIVIL,
        effective_from=date(2026, 1, 1),
        verified=False,
        version="2025修正",
    )
    assert result.created and result.causes == 5 and result.closed is None
    assert causes_in_force(CauseKind.CIVIL, date(2026, 1, 1)) == result.catalogue
    assert causes_in_force(CauseKind.CIVIL, date(2025, 12, 31)).version == "2020修正"  # type: ignore[union-attr]
    assert result.catalogue.title == "民事案件案由规定"
    assert [c.code for c in causes_of(result.catalogue)] == ["K1", "K1.G1", "C1", "C1.S1", "C2"]


@pytest.mark.django_db
def test_a_new_catalogue_closes_the_open_one_and_both_are_audited(
    tmp_path: Path, people: People
) -> None:
    old = causes_in_force(CauseKind.ADMINISTRATIVE, date(2026, 1, 1))
    assert old is not None and old.effective_to is None
    result = _import(_write(tmp_path, GOOD_CSV), actor=people.admin, version="2027")
    old.refresh_from_db()
    assert result.closed == old and old.effective_to == date(2026, 12, 31)
    assert causes_in_force(CauseKind.ADMINISTRATIVE, date(2026, 12, 31)) == old
    assert causes_in_force(CauseKind.ADMINISTRATIVE, date(2027, 1, 1)) == result.catalogue
    rows = {e.action: e for e in AuditEntry.objects.filter(actor_id=people.admin.pk)}
    assert set(rows) == {"courts.cause_catalogue_import", "courts.cause_catalogue_close"}
    imported = rows["courts.cause_catalogue_import"]
    assert imported.subject_id == str(result.catalogue.pk)
    assert imported.new["rows_by_level"] == {"1": 1, "2": 1, "3": 2, "4": 1}
    assert imported.new["effective_from"] == "2027-01-01"
    assert rows["courts.cause_catalogue_close"].new == {"effective_to": "2026-12-31"}


@pytest.mark.django_db
def test_importing_the_same_file_again_changes_nothing(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD_CSV)
    first = _import(path)
    before = db_state()
    again = _import(path)
    assert not again.created and again.catalogue == first.catalogue and again.causes == 5
    assert db_state() == before


BAD_FILES = [
    ("code,name,parent_code\nK1,甲,\n", "header", "missing column(s) level"),
    ("code,level,name,parent_code\n", "rows", "no rows"),
    ("code,level,name,parent_code\nK1,1,甲,\nK1,1,乙,\n", "rows[2].code", "repeats row 1"),
    ("code,level,name,parent_code\nK1,1,甲,\nC1,3,乙,K9\n", "rows[2].parent_code", "K9"),
    ("code,level,name,parent_code\nK1,2,甲,\nC1,2,乙,K1\n", "rows[2].parent_code", "level 2"),
    ("code,level,name,parent_code\nK1,1,甲,X\n", "rows[1].parent_code", "level-1"),
    ("code,level,name,parent_code\nK1,一,甲,\n", "rows[1].level", "whole number"),
    ("code,level,name,parent_code\nK1,1, ,\n", "rows[1].name", "1–200 characters"),
    ("code,level,name,parent_code\nK 1,1,甲,\n", "rows[1].code", "without spaces"),
    ("code,level,name,parent_code\nK1,1,甲,\n".encode("gbk"), "path", "not UTF-8"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("text", "field", "says"), BAD_FILES)
def test_a_bad_file_is_refused_by_row_and_column_and_nothing_changes(
    tmp_path: Path, text: str | bytes, field: str, says: str
) -> None:
    path = _write(tmp_path, text)
    before = db_state()
    with pytest.raises(ValidationError) as caught:
        _import(path)
    assert field in caught.value.message_dict
    assert says in " ".join(caught.value.message_dict[field])
    assert db_state() == before


@pytest.mark.django_db
def test_a_bad_last_row_refuses_the_good_rows_too(tmp_path: Path) -> None:
    before = db_state()
    with pytest.raises(ValidationError) as caught:
        _import(_write(tmp_path, GOOD_CSV + "C3,3,丙纠纷,NOPE\n"))
    assert list(caught.value.message_dict) == ["rows[6].parent_code"]
    assert "row 6" in caught.value.message_dict["rows[6].parent_code"][0]
    assert db_state() == before


BAD_ARGUMENTS = [
    ({"kind": "military"}, "kind", "accepted: civil, criminal, administrative"),
    ({"effective_to": date(2026, 1, 1)}, "effective_to", "before effective_from"),
    ({"source": "  "}, "source", "name the source"),
    ({"kind": CauseKind.CIVIL, "effective_from": date(2025, 7, 1)}, "effective_from", "overlaps"),
    (
        {"kind": CauseKind.CIVIL, "effective_from": date(2020, 1, 1)},
        "effective_to",
        "overlaps",
    ),
    ({"kind": CauseKind.CIVIL, "effective_from": date(2021, 1, 1)}, "effective_from", "overlaps"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("overrides", "field", "says"), BAD_ARGUMENTS)
def test_bad_arguments_are_refused_by_field_and_nothing_changes(
    tmp_path: Path, overrides: dict[str, Any], field: str, says: str
) -> None:
    path = _write(tmp_path, GOOD_CSV)
    before = db_state()
    with pytest.raises(ValidationError) as caught:
        _import(path, **overrides)
    assert says in " ".join(caught.value.message_dict[field])
    assert db_state() == before


@pytest.mark.django_db
def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as caught:
        _import(tmp_path / "nowhere.csv")
    assert "nowhere.csv" in caught.value.message_dict["path"][0]


@pytest.mark.django_db
def test_an_outsider_may_not_import_and_nothing_changes(tmp_path: Path, people: People) -> None:
    path = _write(tmp_path, GOOD_CSV)
    before = db_state()
    for outsider in (people.registrar, AnonymousUser()):
        with pytest.raises(PermissionDenied):
            _import(path, actor=outsider)
    assert db_state() == before
