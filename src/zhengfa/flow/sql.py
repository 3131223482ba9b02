"""Plain SQL for the transition hot path (docs/flow.md, "The transition fast path").

A stage transition writes a handful of rows; building them through the ORM (query
compilation, model instances, signals) cost about ten times the database work. The
services write them with these helpers instead: parameterised statements on the kept
cursor of ``zhengfa.audit.statements`` (the DB-API cursor itself on SQLite), values
adapted exactly as the ORM adapts them, so a row written here is byte for byte the row
``Model.save()`` would have written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from functools import cache
from typing import Any

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connection, models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from zhengfa.audit.statements import NativeCursor, statement_cursor
from zhengfa.org.scoping import Action, Scope

__all__ = [
    "NativeCursor",
    "insert",
    "read_at",
    "read_day",
    "scope_condition",
    "statement_cursor",
    "update",
]


def read_at(value: datetime | str) -> datetime:
    """A NOT NULL datetime column read through the cursor, as the ORM returns it (aware)."""
    moment = parse_datetime(value) if isinstance(value, str) else value
    if moment is None:
        raise ValueError(f"not a datetime: {value!r}")
    return moment.replace(tzinfo=UTC) if timezone.is_naive(moment) else moment


def read_day(value: date | str) -> date:
    """A NOT NULL date column read through the cursor."""
    day = parse_date(value) if isinstance(value, str) else value
    if day is None:
        raise ValueError(f"not a date: {value!r}")
    return day


@cache
def _field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field


def _adapter(field: models.Field[Any, Any]) -> str:
    """How a field's Python value becomes a parameter, decided once per field."""
    if isinstance(field, models.DateTimeField):
        return "at"
    if isinstance(field, models.DateField):
        return "day"
    if isinstance(field, models.JSONField):
        return "field"
    if field.is_relation:
        return "pk"
    return "as-is"  # text, numbers and booleans go to both drivers unchanged


@cache
def _statement(
    kind: str, model: type[models.Model], names: tuple[str, ...], extra: str, vendor: str
) -> tuple[str, tuple[tuple[str, models.Field[Any, Any]], ...]]:
    """The SQL text (a whole INSERT row or UPDATE SET list) and each name's adapter."""
    quote = connection.ops.quote_name
    fields = tuple(_field(model, n) for n in names)
    table, columns = quote(model._meta.db_table), [quote(str(f.column)) for f in fields]
    if kind == "insert":
        row = "(" + ", ".join(["%s"] * len(names)) + ")"
        text = f"INSERT INTO {table} ({', '.join(columns)}) VALUES {row}"  # noqa: S608
    else:
        sets = [f"{c} = %s" for c in columns]
        if extra:
            counter = quote(str(_field(model, extra).column))
            sets.append(f"{counter} = {counter} + 1")
        text = f"UPDATE {table} SET {', '.join(sets)}"  # noqa: S608
    return text, tuple((_adapter(f), f) for f in fields)


def _adapted(
    db: Any, adapters: tuple[tuple[str, models.Field[Any, Any]], ...], values: Iterable[Any]
) -> list[Any]:
    ops, out = db.ops, []
    for (how, field), value in zip(adapters, values, strict=True):
        if value is None or how == "as-is":
            out.append(value)
        elif how == "at":
            out.append(_adapted_instant(ops, value))
        elif how == "day":
            out.append(ops.adapt_datefield_value(value))
        elif how == "pk":
            out.append(value.pk if isinstance(value, models.Model) else value)
        else:
            out.append(field.get_db_prep_save(value, db))
    return out


def _adapted_instant(ops: Any, value: datetime) -> Any:
    """``ops.adapt_datetimefield_value(value)``, remembered for the last instant: a step
    writes its one instant into most of its rows (events, stop times, the matter), and
    the adaptation (to UTC, to text on SQLite) is a tenth of the step's Python time."""
    global _last_instant
    key = (ops, value, value.tzinfo)
    last = _last_instant
    if last is not None and last[0] == key:
        return last[1]
    adapted = ops.adapt_datetimefield_value(value)
    _last_instant = (key, adapted)
    return adapted


# (ops, instant, its zone) and the adapted value; one tuple, replaced whole (threads).
_last_instant: tuple[tuple[Any, datetime, Any], Any] | None = None


def insert(
    model: type[models.Model], rows: Sequence[Mapping[str, Any]], returning: bool = False
) -> list[int]:
    """Insert ``rows`` (field name → value, the same names in every row) in one statement;
    with ``returning`` the new primary keys, in order."""
    if not rows:
        return []
    names = tuple(rows[0])
    cursor = statement_cursor()
    text, adapters = _statement("insert", model, names, "", cursor.db.vendor)
    row_marks = text[text.rindex("(") :]
    sql = text + f", {row_marks}" * (len(rows) - 1)
    params = [v for row in rows for v in _adapted(cursor.db, adapters, (row[n] for n in names))]
    if not returning:
        cursor.execute(sql, params)
        return []
    cursor.execute(sql + " RETURNING id", params)
    return [int(r[0]) for r in cursor.fetchall()]


def update(
    model: type[models.Model],
    changes: Mapping[str, Any],
    where: str,
    params: Iterable[Any],
    increment: str = "",
) -> int:
    """``UPDATE … SET changes [, increment = increment + 1] WHERE where``; rows changed."""
    cursor = statement_cursor()
    text, adapters = _statement("update", model, tuple(changes), increment, cursor.db.vendor)
    values = _adapted(cursor.db, adapters, changes.values())
    cursor.execute(f"{text} WHERE {where}", [*values, *params])
    return int(cursor.rowcount)


def scope_condition(model: type[models.Model], user: Any, action: Action) -> tuple[str, list[Any]]:
    """The WHERE condition of ``model.objects.for_user(user, action)`` as SQL on the
    model's own table, cached per scope: the one scoping rule, compiled once. Raises
    ``EmptyResultSet`` when nothing is in scope."""
    return _compiled_scope(model, Scope.of(user), action, connection.vendor, user)


def _compiled_scope(
    model: type[models.Model], scope: Scope, action: Action, vendor: str, user: Any
) -> tuple[str, list[Any]]:
    key = (model, scope, action, vendor)
    if key not in _SCOPES:
        queryset = model.objects.for_user(user, action)  # type: ignore[attr-defined]
        query = queryset.query
        joined = [
            a for a, refs in query.alias_refcount.items() if refs and a != model._meta.db_table
        ]
        if joined:  # a join would need its table in the UPDATE (trimmed joins count 0)
            raise NotImplementedError(f"scope of {model.__name__} joins another table")
        try:
            sql, params = query.get_compiler(connection.alias).compile(query.where)
        except FullResultSet:
            sql, params = "", []
        if query.is_empty():
            raise EmptyResultSet
        _SCOPES[key] = (sql, list(params))
    return _SCOPES[key]


_SCOPES: dict[tuple[Any, ...], tuple[str, list[Any]]] = {}
