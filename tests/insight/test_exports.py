"""The Table → CSV/XLSX export: BOM, formula injection, masking and its audit, responses."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.test import RequestFactory
from openpyxl import load_workbook

from tests.org.mini_city import MiniCity
from zhengfa.audit.models import AuditEntry
from zhengfa.insight.exports import (
    CSV_TYPE,
    XLSX_TYPE,
    Column,
    Table,
    export_response,
    safe_text,
)
from zhengfa.org.roles import Role
from zhengfa.pii.masking import mask_phone

COLUMNS = (
    Column("unit", "单位", "Unit"),
    Column("score", "得分", "Score"),
    Column("note", "备注", "Note"),
)
ROWS = (
    ("鹤岗市司法局", Decimal("91.5"), '=HYPERLINK("http://x")'),
    ("工农区政法委", -3, "+1"),
    ("向阳区政法委", 80.25, "@SUM(A1)"),
    ("东山区政法委", None, "-2 下降"),
    ("兴山区政法委", 0, "普通 text"),
)


def table() -> Table:
    return Table.of("scores", COLUMNS, ROWS, title="得分 Scores")


def test_csv_starts_with_bom_and_reads_back_as_the_table_with_formulas_escaped() -> None:
    body = table().to_csv("zh-hans")
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == ["单位", "得分", "备注"]
    assert rows[1] == ["鹤岗市司法局", "91.5", '\'=HYPERLINK("http://x")']
    assert rows[2] == ["工农区政法委", "-3", "'+1"]  # a negative number stays a number
    assert rows[3][2] == "'@SUM(A1)"
    assert rows[4] == ["东山区政法委", "", "'-2 下降"]
    assert rows[5][2] == "普通 text"


def test_english_headers_follow_the_language() -> None:
    rows = list(csv.reader(io.StringIO(table().to_csv("en").decode("utf-8-sig"))))
    assert rows[0] == ["Unit", "Score", "Note"]


def test_xlsx_reads_back_equal_and_holds_no_formula() -> None:
    sheet = load_workbook(io.BytesIO(table().to_xlsx("zh-hans"))).active
    assert sheet is not None
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0] == ["单位", "得分", "备注"]
    assert values[1] == ["鹤岗市司法局", 91.5, '\'=HYPERLINK("http://x")']
    assert values[2] == ["工农区政法委", -3, "'+1"]
    assert values[4] == ["东山区政法委", None, "'-2 下降"]
    formulas = [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []
    assert sheet.title == "得分 Scores"


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@x", "\t=1", "\r=1"])
def test_every_formula_trigger_is_escaped(text: str) -> None:
    assert safe_text(text) == "'" + text


def test_a_ragged_row_is_refused() -> None:
    with pytest.raises(ValueError, match="row 1 has 2 cells"):
        Table.of("t", COLUMNS, [("a", 1)])


def _personal_table() -> Table:
    columns = (Column("who", "单位", "Unit"), Column("phone", "电话", "Phone", mask=mask_phone))
    return Table.of("contacts", columns, [("司法局", "13912345678"), ("信访局", "")])


def _get(user: object, query: str) -> object:
    request = RequestFactory().get("/insight/x", {"format": query} if query else {})
    request.user = user  # type: ignore[assignment]
    return request


@pytest.mark.django_db
def test_personal_columns_leave_masked_for_a_role_that_does_not_need_them(
    mini_city: MiniCity,
) -> None:
    before = AuditEntry.objects.count()
    response = export_response(_get(mini_city.users[Role.COMMISSION], "csv"), _personal_table())
    assert response is not None
    assert response["Content-Type"] == CSV_TYPE
    text = response.content.decode("utf-8-sig")
    assert "13912345678" not in text
    assert mask_phone("13912345678") in text
    assert AuditEntry.objects.count() == before


@pytest.mark.django_db
def test_a_role_that_needs_them_gets_them_in_clear_and_the_export_is_audited(
    mini_city: MiniCity,
) -> None:
    judge = mini_city.users[Role.JUDGE]
    response = export_response(_get(judge, "xlsx"), _personal_table())
    assert response is not None
    assert response["Content-Type"] == XLSX_TYPE
    assert 'filename="contacts.xlsx"' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    assert sheet["B2"].value == "13912345678"
    entry = AuditEntry.objects.order_by("-pk").first()
    assert entry is not None
    assert (entry.action, entry.actor_id, entry.subject_id) == ("pii.view", judge.pk, "contacts")
    assert "13912345678" not in entry.new_json and '"xlsx"' in entry.new_json


@pytest.mark.django_db
def test_no_format_renders_the_page_and_an_unknown_format_is_refused(
    mini_city: MiniCity,
) -> None:
    user = mini_city.users[Role.COMMISSION]
    assert export_response(_get(user, ""), table()) is None
    refused = export_response(_get(user, "pdf"), table())
    assert refused is not None
    assert refused.status_code == 400
    assert "csv, xlsx" in refused.content.decode()


def test_dates_are_written_as_iso_in_csv() -> None:
    one = Table.of("d", (Column("on", "日期", "Date"),), [(date(2026, 3, 1),)])
    assert one.to_csv("en").decode("utf-8-sig").splitlines()[1] == "2026-03-01"
