"""Consistent snapshots of the database and restoring them into an empty one.

SQLite: the online backup API (``sqlite3.Connection.backup``) copies every page in one
step under a read lock, so the copy is one consistent state while others keep working.
PostgreSQL: ``pg_dump --format=custom`` reads everything in one repeatable-read
transaction (a consistent snapshot) without blocking writers; ``pg_restore
--single-transaction`` loads it all or nothing.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess  # noqa: S404 - pg_dump/pg_restore, given argument lists, never a shell
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connections

SQLITE = "sqlite"
POSTGRESQL = "postgresql"


class DatabaseError(RuntimeError):
    """The snapshot or restore could not be made; the message says why."""


@dataclass(frozen=True)
class Target:
    """A database to back up or restore into, from a Django DATABASES entry."""

    engine: str
    name: str
    user: str = ""
    password: str = ""
    host: str = ""
    port: str = ""

    @classmethod
    def from_settings(cls, config: dict[str, Any]) -> Target:
        backend = str(config["ENGINE"])
        if "sqlite3" in backend:
            engine = SQLITE
        elif "postgresql" in backend:
            engine = POSTGRESQL
        else:
            raise DatabaseError(f"backup supports SQLite and PostgreSQL, not {backend}")
        return cls(
            engine=engine,
            name=str(config["NAME"]),
            user=str(config.get("USER") or ""),
            password=str(config.get("PASSWORD") or ""),
            host=str(config.get("HOST") or ""),
            port=str(config.get("PORT") or ""),
        )

    @property
    def snapshot_suffix(self) -> str:
        return ".sqlite3" if self.engine == SQLITE else ".pgdump"

    def url(self) -> str:
        """For a child process (``audit verify`` on the restored database)."""
        if self.engine == SQLITE:
            return f"sqlite:///{Path(self.name).resolve()}"
        auth = self.user + (f":{self.password}" if self.password else "")
        return f"postgres://{auth}@{self.host or 'localhost'}:{self.port or 5432}/{self.name}"


def snapshot(target: Target, out: Path, *, alias: str = "default") -> None:
    if target.engine == SQLITE:
        _sqlite_snapshot(out, alias)
    else:
        _pg_run(target, [_binary("pg_dump"), "--format=custom", "--file", str(out)])


def _sqlite_snapshot(out: Path, alias: str) -> None:
    # A database file gets a connection of its own, outside any transaction of ours; an
    # in-memory database (tests) is only reachable through Django's connection. With the
    # default pages=-1, ``backup`` copies every page in one step: one consistent state.
    wrapper: Any = connections[alias]
    own = not wrapper.is_in_memory_db()
    if own:
        source = sqlite3.connect(wrapper.settings_dict["NAME"], timeout=30)
    else:
        wrapper.ensure_connection()
        source = wrapper.connection
    destination = sqlite3.connect(out)
    try:
        source.backup(destination)
    finally:
        destination.close()
        if own:
            source.close()


def is_empty(target: Target) -> bool:
    """No tables at all: a new file or a freshly created database."""
    if target.engine == SQLITE:
        path = Path(target.name)
        if not path.exists() or path.stat().st_size == 0:
            return True
        with sqlite3.connect(path) as db:
            return db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
    query = (
        "SELECT count(*) FROM information_schema.tables "
        "WHERE table_schema NOT IN ('pg_catalog', 'information_schema')"
    )
    out = _pg_run(target, [_binary("psql"), "--no-psqlrc", "-At", "-c", query])
    return out.strip() == "0"


def restore_into(target: Target, snapshot_file: Path, *, force: bool) -> None:
    """Load the snapshot; all or nothing. ``force`` replaces what the target holds."""
    if target.engine == SQLITE:
        _sqlite_restore(target, snapshot_file)
    else:
        args = [_binary("pg_restore"), "--single-transaction", "--exit-on-error", "--no-owner"]
        if force:
            args += ["--clean", "--if-exists"]
        _pg_run(target, [*args, "--dbname", target.name, str(snapshot_file)])


def _sqlite_restore(target: Target, snapshot_file: Path) -> None:
    # Copy beside the target, then rename over it: the file is either the old one or the
    # complete new one. Stale WAL/shared-memory files of the old one must not survive it.
    path = Path(target.name)
    path.parent.mkdir(parents=True, exist_ok=True)
    staged = path.with_name(path.name + ".restoring")
    shutil.copyfile(snapshot_file, staged)
    for suffix in ("-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    os.replace(staged, path)


def _binary(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise DatabaseError(
            f"{name} not found on PATH: install the PostgreSQL client tools "
            "(Debian: apt install postgresql-client) of the server's major version"
        )
    return found


def _pg_run(target: Target, args: list[str]) -> str:
    env = {**os.environ, "PGDATABASE": target.name}
    for variable, value in (
        ("PGUSER", target.user),
        ("PGPASSWORD", target.password),
        ("PGHOST", target.host),
        ("PGPORT", target.port),
    ):
        if value:
            env[variable] = value
    result = subprocess.run(  # noqa: S603 - a fixed binary and our own arguments
        args, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        tool = Path(args[0]).name
        raise DatabaseError(f"{tool} failed: {result.stderr.strip() or result.returncode}")
    return result.stdout
