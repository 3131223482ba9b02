"""Reading a restored database directly (not through Django): what is really in it."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
from django.db import connection

from zhengfa.ops.databases import SQLITE, Target


class Recorder:
    """A reporter that remembers the phases it was shown."""

    def __init__(self) -> None:
        self.phases: list[str] = []
        self.done = 0

    def phase(self, name: str, total: int) -> None:
        self.phases.append(name)

    def advance(self, amount: int) -> None:
        self.done += amount


@contextmanager
def raw(target: Target) -> Iterator[Any]:
    if target.engine == SQLITE:
        db = sqlite3.connect(target.name)
        try:
            yield db.cursor()
        finally:
            db.close()
    else:
        with psycopg.connect(
            dbname=target.name, user=target.user, host=target.host, port=target.port
        ) as pg:
            yield pg.cursor()


def tables() -> list[str]:
    """Every table of the source database (the migrations' own bookkeeping included)."""
    return sorted(connection.introspection.table_names())


def row_counts_here() -> dict[str, int]:
    with connection.cursor() as cursor:
        return {t: _count(cursor, t) for t in tables()}


def row_counts_in(target: Target) -> dict[str, int]:
    with raw(target) as cursor:
        return {t: _count(cursor, t) for t in tables()}


def _count(cursor: Any, table: str) -> int:
    cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - our own table names
    return int(cursor.fetchone()[0])


def rows_here(sql: str) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [tuple(row) for row in cursor.fetchall()]


def rows_in(target: Target, sql: str) -> list[tuple[Any, ...]]:
    with raw(target) as cursor:
        cursor.execute(sql)
        return [tuple(row) for row in cursor.fetchall()]


def files_under(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}
