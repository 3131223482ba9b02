"""The shipped service catalogue (``portal/data/catalogue.csv``): read and check it.

One row per item. Times carry their source: a statute and article where the law sets the
period, otherwise the hall's own promise (marked 承诺, "demo catalogue" for the demo city's
promises, which an administrator replaces with the real ones in the admin).
"""

from __future__ import annotations

import csv
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError

from zhengfa.org.models import UnitKind
from zhengfa.portal.models import Category, Handover, TimeUnit

CATALOGUE_CSV = Path(__file__).resolve().parent / "data" / "catalogue.csv"
FLAGS = ("window", "nearby", "online", "statutory", "licence", "open311")


def read_catalogue(path: Path = CATALOGUE_CSV) -> list[dict[str, Any]]:
    """The rows as model field values; a bad row raises ValidationError naming it."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [_row(n, raw) for n, raw in enumerate(csv.DictReader(handle), start=2)]


def _row(line: int, raw: dict[str, str]) -> dict[str, Any]:
    where = f"catalogue.csv line {line} ({raw.get('code', '?')})"
    _choice(where, "category", raw["category"], Category.values)
    _choice(where, "unit_kind", raw["unit_kind"], UnitKind.values)
    _choice(where, "time_unit", raw["time_unit"], TimeUnit.values)
    _choice(where, "handover", raw["handover"], Handover.values)
    row: dict[str, Any] = {k: v.strip() for k, v in raw.items() if k not in FLAGS}
    row.update({flag: raw[flag].strip() == "1" for flag in FLAGS})
    row["materials"] = "\n".join(m.strip() for m in raw["materials"].split("|") if m.strip())
    row["time_amount"] = _positive(where, raw["time_amount"])
    row["min_age"] = int(raw["min_age"]) if raw["min_age"].strip() else None
    try:
        row["fee_yuan"] = Decimal(raw["fee_yuan"])
    except InvalidOperation:
        raise ValidationError({"fee_yuan": f"{where}: not a number of yuan"}) from None
    return row


def _choice(where: str, field: str, value: str, accepted: list[str]) -> None:
    if value not in accepted:
        raise ValidationError(
            {field: f"{where}: {value!r} is not accepted; accepted: {', '.join(accepted)}"}
        )


def _positive(where: str, text: str) -> int:
    if not text.strip().isdigit() or int(text) < 1:
        raise ValidationError({"time_amount": f"{where}: a whole number of at least 1"})
    return int(text)
