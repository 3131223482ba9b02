"""Plain SQL for the transition hot path (docs/flow.md, "The transition fast path").

A stage transition writes a handful of rows; building them through the ORM (query
compilation, model instances, signals) cost about ten times the database work. The
services write them with these helpers instead: parameterised statements through
Django's cursor (so its wrappers, adapters and test isolation still apply), values
adapted exactly as the ORM adapts them, so a row written here is byte for byte the row
``Model.save()`` would have written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from functools import cache, lru_cache
from typing import Any

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.backends.sqlite3.base import FORMAT_QMARK_REGEX
from django.db.backends.utils import CursorWrapper
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from zhengfa.org.scoping import Action, Scope


class NativeCursor:
    """SQLite: the DB-API cursor itself, for the hot path's few fixed statements.

    Django's cursor wrapper and its SQLite subclass cost more per statement than SQLite
    spends running a short one: three wrapper calls, and the ``%s`` → ``?`` conversion by
    regular expression on every execution. Here each statement text is converted once
    (cached) and run on a plain ``sqlite3`` cursor of the same connection — the same
    transaction, the same type converters — with driver errors still raised as Django's
    (``IntegrityError`` …) through the connection's error wrapper."""

    __slots__ = ("_errors", "_raw", "db")

    def __init__(self, db: Any) -> None:
        self.db = db
        self._raw = db.connection.cursor()
        self._errors = db.wrap_database_errors

    def execute(self, text: str, params: Sequence[Any] = ()) -> None:
        with self._errors:
            self._raw.execute(_qmark(text), params)

    def fetchone(self) -> Any:
        with self._errors:
            return self._raw.fetchone()

    def fetchall(self) -> list[Any]:
        with self._errors:
            return self._raw.fetchall()

    @property
    def rowcount(self) -> int:
        return int(self._raw.rowcount)


@lru_cache(maxsize=512)
def _qmark(text: str) -> str:
    """The statement in sqlite3's qmark style, exactly as Django's SQLite cursor converts it."""
    return FORMAT_QMARK_REGEX.sub("?", text).replace("%%", "%")


def statement_cursor() -> CursorWrapper | NativeCursor:
    """A cursor of the default database connection, kept for the connection's life.

    Opening and closing a cursor per statement cost as much as a short statement; a
    transition runs several. The cursor is rebuilt when the connection is (closed, reset
    between tests), and not kept while queries are being logged (DEBUG, a test counting
    queries), so those still see every statement through the debug wrapper. Its ``db``
    is the connection itself (no per-attribute lookup through the thread-local proxy).
    On SQLite it is a ``NativeCursor``; on PostgreSQL Django's (the round trip dwarfs the
    wrapper there, and psycopg takes ``%s`` as it is)."""
    db = connections[DEFAULT_DB_ALIAS]
    if db.queries_logged:
        return db.cursor()
    kept: tuple[Any, CursorWrapper | NativeCursor] | None = db.__dict__.get("_zf_statement_cursor")
    if kept is None or db.connection is None or kept[0] is not db.connection:
        db.ensure_connection()
        kept = (db.connection, NativeCursor(db) if db.vendor == "sqlite" else db.cursor())
        db.__dict__["_zf_statement_cursor"] = kept
    return kept[1]


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
