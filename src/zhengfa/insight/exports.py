"""Any table of an insight page as CSV or XLSX (导出): one value object, one view helper.

A page builds a :class:`Table` (columns with Chinese and English headers, rows of plain
values) and answers ``?format=csv`` or ``?format=xlsx`` with :func:`export_response`;
without ``format`` it renders its HTML as usual. Two rules hold for every export:

- **Formula injection** (CSV injection, OWASP): a text cell starting with ``=``, ``+``,
  ``-``, ``@``, a tab or a carriage return is written with a leading apostrophe, so a
  spreadsheet shows it as text instead of running it. Numbers stay numbers.
- **Personal data** (个人信息): a column that holds it names its masking function
  (``Column.mask``, from :mod:`zhengfa.pii.masking`). It leaves masked unless the viewer's
  role needs the clear text (``ROLES_SEEING_PERSONAL_DATA``); an export in clear is
  written to the audit log like any unmasked view (``pii.view``).

CSV is UTF-8 with a byte-order mark, which Excel in China needs to read Chinese text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from openpyxl import Workbook
from openpyxl.styles import Font

from zhengfa.audit.actions import AuditAction
from zhengfa.audit.services import audit_record
from zhengfa.org.roles import ROLES_SEEING_PERSONAL_DATA

Cell = str | int | float | Decimal | date | datetime | None
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")
SHEET_TITLE_LIMIT = 31  # Excel's limit on a sheet name


class ExportFormatError(ValueError):
    """``?format=`` named a format we do not write."""


@dataclass(frozen=True)
class Column:
    """One column: a key, its header in Chinese and English, and (for personal data) how
    to mask it."""

    key: str
    zh: str
    en: str
    mask: Callable[[str], str] | None = None

    def header(self, language: str | None = None) -> str:
        language = language or translation.get_language() or "zh-hans"
        return self.en if language.startswith("en") else self.zh

    @property
    def personal(self) -> bool:
        return self.mask is not None


@dataclass(frozen=True)
class Table:
    """A named table of plain values (``name`` is the file name stem, ASCII)."""

    name: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    title: str = ""

    def __post_init__(self) -> None:
        width = len(self.columns)
        for number, row in enumerate(self.rows, start=1):
            if len(row) != width:
                raise ValueError(f"row {number} has {len(row)} cells, the table {width} columns")

    @classmethod
    def of(
        cls, name: str, columns: Sequence[Column], rows: Sequence[Sequence[Cell]], title: str = ""
    ) -> Table:
        return cls(name, tuple(columns), tuple(tuple(r) for r in rows), title)

    def headers(self, language: str | None = None) -> list[str]:
        return [column.header(language) for column in self.columns]

    @property
    def personal_columns(self) -> list[Column]:
        return [column for column in self.columns if column.personal]

    def masked(self) -> Table:
        """The same table with every personal column masked."""
        masks = [column.mask for column in self.columns]
        rows = tuple(
            tuple(_mask_cell(mask, cell) for mask, cell in zip(masks, row, strict=True))
            for row in self.rows
        )
        return replace(self, rows=rows)

    def to_csv(self, language: str | None = None) -> bytes:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow([safe_text(h) for h in self.headers(language)])
        for row in self.rows:
            writer.writerow([_csv_cell(cell) for cell in row])
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")

    def to_xlsx(self, language: str | None = None) -> bytes:
        book = Workbook()
        sheet = book.active
        assert sheet is not None  # a new workbook always has one sheet
        sheet.title = safe_sheet_title(self.title or self.name)
        sheet.append([safe_text(h) for h in self.headers(language)])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in self.rows:
            sheet.append([_xlsx_cell(cell) for cell in row])
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()


def safe_text(value: str) -> str:
    """Text a spreadsheet shows as text: a leading formula character gets an apostrophe."""
    return "'" + value if value.startswith(FORMULA_TRIGGERS) else value


def safe_sheet_title(title: str) -> str:
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in title).strip()
    return (cleaned or "Sheet")[:SHEET_TITLE_LIMIT]


def _mask_cell(mask: Callable[[str], str] | None, cell: Cell) -> Cell:
    if mask is None or cell is None or cell == "":
        return cell
    return mask(str(cell))


def _csv_cell(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, str):
        return safe_text(cell)
    if isinstance(cell, datetime | date):
        return cell.isoformat()
    return str(cell)


def _xlsx_cell(cell: Cell) -> Any:
    if isinstance(cell, str):
        return safe_text(cell)
    if isinstance(cell, Decimal):
        return float(cell)
    if isinstance(cell, datetime) and cell.tzinfo is not None:
        return cell.replace(tzinfo=None)  # Excel has no time zones; values are local time
    return cell


def requested_format(request: HttpRequest) -> str | None:
    """``csv``/``xlsx`` from ``?format=``, None when absent; another value is refused."""
    value = request.GET.get("format")
    if value is None or value == "":
        return None
    if value not in FORMATS:
        raise ExportFormatError(f"format={value!r}: accepted: {', '.join(FORMATS)}")
    return value


def table_for_viewer(table: Table, user: Any, *, export_format: str) -> Table:
    """The table as this viewer may take it away: personal columns masked unless the role
    needs them; an export in clear is audited in the same transaction as it is made."""
    if not table.personal_columns:
        return table
    if getattr(user, "role", None) not in ROLES_SEEING_PERSONAL_DATA:
        return table.masked()
    with transaction.atomic():
        audit_record(
            actor=user,
            action=AuditAction.PII_VIEW,
            subject_type="insight.export",
            subject_id=table.name,
            subject_label=table.title or table.name,
            new={
                "export": export_format,
                "columns": [c.key for c in table.personal_columns],
                "rows": len(table.rows),
            },
        )
    return table


def file_response(body: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    return response


def export_response(request: HttpRequest, table: Table) -> HttpResponse | None:
    """The export the request asks for (``?format=csv|xlsx``), or None to render the page.

    A format we do not write answers 400 naming the accepted ones.
    """
    try:
        export_format = requested_format(request)
    except ExportFormatError as error:
        return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
    if export_format is None:
        return None
    table = table_for_viewer(table, request.user, export_format=export_format)
    if export_format == "csv":
        return file_response(table.to_csv(), CSV_TYPE, f"{table.name}.csv")
    return file_response(table.to_xlsx(), XLSX_TYPE, f"{table.name}.xlsx")
