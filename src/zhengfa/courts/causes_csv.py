"""Read and check a cause-of-action catalogue CSV (案由 / 罪名) before anything is stored.

Columns ``code,level,name,parent_code`` (other columns, such as civil.csv's ``part``, are
ignored). A file is wholly good or refused with every problem named by row and column:
``CauseFileRejected.errors`` maps ``rows[N].column`` to what is wrong and what is accepted.
Pure Python, so the data migration can use it as well as the import service.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

CAUSE_COLUMNS = ("code", "level", "name", "parent_code")
CODE_MAX = 32
NAME_MAX = 200
MAX_LEVEL = 9
MAX_ERRORS = 50


@dataclass(frozen=True)
class CauseRow:
    position: int  # 1-based data row, the document's order
    code: str
    level: int
    name: str
    parent_code: str


class CauseFileRejected(ValueError):
    """The whole file is refused; ``errors`` maps field paths to messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        first = next(iter(errors.items()))
        super().__init__(f"{first[0]}: {first[1][0]}" + (" …" if len(errors) > 1 else ""))
        self.errors = errors


class _Errors:
    def __init__(self) -> None:
        self.by_field: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        if len(self.by_field) < MAX_ERRORS:
            self.by_field.setdefault(field, []).append(message)

    def raise_any(self) -> None:
        if self.by_field:
            raise CauseFileRejected(self.by_field)


def read_cause_csv(text: str) -> list[CauseRow]:
    """The checked rows of a catalogue file, or CauseFileRejected naming every problem."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    _check_header(reader.fieldnames)
    errors = _Errors()
    rows = [row for row in _typed_rows(reader, errors) if row is not None]
    if not rows and not errors.by_field:
        errors.add("rows", "the file has a header but no rows")
    _check_tree(rows, errors)
    errors.raise_any()
    return rows


def _check_header(fieldnames: object) -> None:
    present = list(fieldnames) if isinstance(fieldnames, list | tuple) else []
    missing = [column for column in CAUSE_COLUMNS if column not in present]
    if missing:
        raise CauseFileRejected(
            {
                "header": [
                    f"missing column(s) {', '.join(missing)}; the first line must name "
                    f"{','.join(CAUSE_COLUMNS)} (UTF-8, comma-separated)"
                ]
            }
        )


def _typed_rows(reader: csv.DictReader[str], errors: _Errors) -> Iterator[CauseRow | None]:
    for position, raw in enumerate(reader, start=1):
        yield _typed_row(position, reader.line_num, raw, errors)


def _typed_row(
    position: int, line: int, raw: dict[str, str | None], errors: _Errors
) -> CauseRow | None:
    where = f"row {position} (line {line})"
    values = {column: raw.get(column) or "" for column in CAUSE_COLUMNS}
    count = len(errors.by_field)
    code = _check_code(values["code"], f"rows[{position}].code", where, errors)
    level = _check_level(values["level"], f"rows[{position}].level", where, errors)
    name = _check_name(values["name"], f"rows[{position}].name", where, errors)
    if len(errors.by_field) > count or level is None:
        return None
    return CauseRow(position, code, level, name, values["parent_code"].strip())


def _check_code(code: str, field: str, where: str, errors: _Errors) -> str:
    if not code or code != code.strip() or " " in code or len(code) > CODE_MAX:
        errors.add(
            field,
            f"{where}: code “{code}” must be 1–{CODE_MAX} characters without spaces, "
            "e.g. C0001 or A232-1",
        )
    return code


def _check_level(text: str, field: str, where: str, errors: _Errors) -> int | None:
    if text.strip().isdigit() and 1 <= int(text) <= MAX_LEVEL:
        return int(text)
    errors.add(field, f"{where}: level “{text}” must be a whole number from 1 to {MAX_LEVEL}")
    return None


def _check_name(name: str, field: str, where: str, errors: _Errors) -> str:
    if not name.strip() or name != name.strip() or len(name) > NAME_MAX:
        errors.add(
            field,
            f"{where}: name must be 1–{NAME_MAX} characters without leading or trailing spaces",
        )
    return name


def _check_tree(rows: list[CauseRow], errors: _Errors) -> None:
    """Codes unique; level 1 has no parent; every other row's parent exists, one level up
    or more (criminal charges hang directly under chapters that have no sections)."""
    first_seen: dict[str, CauseRow] = {}
    for row in rows:
        if row.code in first_seen:
            errors.add(
                f"rows[{row.position}].code",
                f"row {row.position}: code {row.code} repeats row "
                f"{first_seen[row.code].position}; codes must be unique",
            )
        else:
            first_seen[row.code] = row
    for row in rows:
        _check_parent(row, first_seen, errors)


def _check_parent(row: CauseRow, by_code: dict[str, CauseRow], errors: _Errors) -> None:
    field = f"rows[{row.position}].parent_code"
    if row.level == 1:
        if row.parent_code:
            errors.add(field, f"row {row.position}: a level-1 row has an empty parent_code")
        return
    parent = by_code.get(row.parent_code)
    if parent is None:
        errors.add(
            field,
            f"row {row.position}: parent_code “{row.parent_code}” is not the code of any row; "
            f"a level-{row.level} row names the code of a row at a higher level",
        )
    elif parent.level >= row.level:
        errors.add(
            field,
            f"row {row.position}: parent {parent.code} is at level {parent.level}, not above "
            f"this row's level {row.level}",
        )
