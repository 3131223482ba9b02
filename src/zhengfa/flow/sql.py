"""Plain SQL for the transition hot path (docs/flow.md, "The transition fast path").

A stage transition writes a handful of rows; building them through the ORM (query
compilation, model instances, signals) cost about ten times the database work. The
services write them with these helpers instead: parameterised statements on the kept
cursor of ``zhengfa.audit.statements`` (the DB-API cursor itself on SQLite), values
adapted exactly as the ORM adapts them, so a row written here is byte for byte the row
``Model.save()`` would have written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from functools import cache, partial
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connection, models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from zhengfa.audit.statements import NativeCursor, instance, statement_cursor
from zhengfa.org.scoping import Action, Scope

__all__ = [
    "NativeCursor",
    "instance",
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


Converter = Callable[[Any], Any] | None  # None: the value goes to the driver as it is


def _converter(field: models.Field[Any, Any], db: Any) -> Converter:
    """How a field's Python value becomes a parameter, decided once per field and database,
    exactly as the ORM converts it."""
    if isinstance(field, models.DateTimeField):
        if db.vendor == "sqlite" and settings.USE_TZ:
            return _sqlite_instant
        return db.ops.adapt_datetimefield_value  # type: ignore[no-any-return]
    if isinstance(field, models.DateField):
        return db.ops.adapt_datefield_value  # type: ignore[no-any-return]
    if isinstance(field, models.JSONField):
        return partial(_prepared, field, db)
    if field.is_relation:
        return _key
    return None  # text, numbers and booleans go to both drivers unchanged


def _sqlite_instant(value: datetime) -> str:
    """``DatabaseOperations.adapt_datetimefield_value`` of Django's SQLite backend with
    ``USE_TZ`` (the connection's zone is UTC), without its per-call settings lookups."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return str(value)


def _prepared(field: models.Field[Any, Any], db: Any, value: Any) -> Any:
    return field.get_db_prep_save(value, db)


def _key(value: Any) -> Any:
    return value.pk if isinstance(value, models.Model) else value


@cache
def _statement(
    kind: str, model: type[models.Model], names: tuple[str, ...], extra: str, vendor: str
) -> tuple[str, tuple[Converter, ...]]:
    """The SQL text (a whole INSERT row or UPDATE SET list) and each name's converter,
    per database vendor (the converters keep no connection state)."""
    db = connection
    quote = db.ops.quote_name
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
    return text, tuple(_converter(f, db) for f in fields)


def _adapted(converters: tuple[Converter, ...], values: Iterable[Any]) -> list[Any]:
    return [
        value if convert is None or value is None else convert(value)
        for convert, value in zip(converters, values, strict=True)
    ]


def insert(
    model: type[models.Model], rows: Sequence[Mapping[str, Any]], returning: bool = False
) -> list[int]:
    """Insert ``rows`` (field name → value, the same names in every row) in one statement;
    with ``returning`` the new primary keys, in order."""
    if not rows:
        return []
    names = tuple(rows[0])
    cursor = statement_cursor()
    text, converters = _statement("insert", model, names, "", cursor.db.vendor)
    row_marks = text[text.rindex("(") :]
    sql = text + f", {row_marks}" * (len(rows) - 1)
    params = [v for row in rows for v in _adapted(converters, [row[n] for n in names])]
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
    text, converters = _statement("update", model, tuple(changes), increment, cursor.db.vendor)
    values = _adapted(converters, changes.values())
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
        if queryset.query.is_empty():
            raise EmptyResultSet
        _SCOPES[key] = _condition(model, queryset)
    return _SCOPES[key]


def _condition(model: type[models.Model], queryset: Any) -> tuple[str, list[Any]]:
    """The scope's WHERE clause on the model's own table; a scope that joins another table
    (a region reached through a foreign key) becomes ``pk IN (the scoped ids)``, since an
    UPDATE names one table (trimmed joins count 0 and stay a plain condition)."""
    query = queryset.query
    joined = [a for a, refs in query.alias_refcount.items() if refs and a != model._meta.db_table]
    if joined:
        ids, params = queryset.values("pk").query.sql_with_params()
        pk = connection.ops.quote_name(str(model._meta.pk.column))
        return f"{pk} IN ({ids})", list(params)
    try:
        sql, params = query.get_compiler(connection.alias).compile(query.where)
    except FullResultSet:
        return "", []
    return sql, list(params)


_SCOPES: dict[tuple[Any, ...], tuple[str, list[Any]]] = {}
