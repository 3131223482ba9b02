"""A kept cursor for the few fixed statements of hot paths: the audit append and the flow
engine's transitions (docs/flow.md, "The transition fast path").

It lives here, in the lowest app that uses it, so that the audit log needs nothing from
the apps that write to it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache, lru_cache
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.sqlite3.base import FORMAT_QMARK_REGEX
from django.db.backends.utils import CursorWrapper
from django.db.models import Field, Model

M = TypeVar("M", bound=Model)


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
            self._raw.execute(qmark(text), params)

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
def qmark(text: str) -> str:
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
    wrapper there, and psycopg takes ``%s`` as it is).

    It is kept on the connection object, looked up each time: a per-thread cache is not
    safe, because in a thread that runs an event loop Django's connections are per
    context, not per thread (a cached cursor of another connection broke the audit
    chain's compare-and-set there)."""
    db = connections[DEFAULT_DB_ALIAS]
    if db.queries_logged:
        return db.cursor()
    kept: tuple[Any, CursorWrapper | NativeCursor] | None = db.__dict__.get("_zf_statement_cursor")
    if kept is None or db.connection is None or kept[0] is not db.connection:
        db.ensure_connection()
        kept = (db.connection, NativeCursor(db) if db.vendor == "sqlite" else db.cursor())
        db.__dict__["_zf_statement_cursor"] = kept
    return kept[1]


def instance(model: type[M], values: Mapping[str, Any]) -> M:
    """An instance of a row just written, from ``values`` by attribute name (the others
    take their defaults). Built positionally, as Django builds the rows it reads: by
    keyword, ``Model.__init__`` costs several times more, on every hot-path write."""
    fields = _concrete_fields(model)
    made = model(*[values[name] if name in values else f.get_default() for name, f in fields])
    made._state.adding = model._meta.pk.attname not in values
    return made


@cache
def _concrete_fields(model: type[Model]) -> tuple[tuple[str, Field[Any, Any]], ...]:
    return tuple((f.attname, f) for f in model._meta.concrete_fields)
