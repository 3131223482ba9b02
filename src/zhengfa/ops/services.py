"""``backup_create`` and ``backup_restore``: the database and MEDIA_ROOT as one archive.

Order matters for consistency. The database snapshot is taken first, the uploaded files
copied after: an upload is written to disk before the row naming it commits, so every
file a row in the snapshot refers to is already on disk when the files are copied
(files uploaded after the snapshot come along too, unreferenced and harmless).

Restore checks the whole archive (manifest, every checksum) into a staging folder before
it touches the target, refuses a target that holds data unless forced, loads the
database all or nothing, swaps the uploaded files in by renaming, and finally runs
``zhengfa audit verify`` against the restored database in a child process.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess  # noqa: S404 - our own CLI, an argument list, never a shell
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.db import connections

from zhengfa.ops import archive, databases
from zhengfa.ops.archive import DATABASE_DIR, MEDIA_DIR, ArchiveError, Manifest
from zhengfa.ops.databases import Target

STAGING_PREFIX = ".zhengfa-ops-"


class Reporter(Protocol):
    """Progress of the long steps (the command draws rich bars)."""

    def phase(self, name: str, total: int) -> None: ...

    def advance(self, amount: int) -> None: ...


class RestoreRefused(RuntimeError):
    """The target holds data (and ``force`` was not given) or is of another engine."""


@dataclass(frozen=True)
class AuditCheck:
    intact: bool
    rows: int
    detail: str


@dataclass(frozen=True)
class Restored:
    manifest: Manifest
    audit: AuditCheck


def backup_create(out: Path, *, target: Target, media_root: Path, reporter: Reporter) -> Manifest:
    """Write the archive to ``out`` (via a temporary name: never a half-written file)."""
    out = out.resolve()
    with _staging(out.parent) as staging:
        reporter.phase("database snapshot", 1)
        db_name = f"{DATABASE_DIR}/zhengfa{target.snapshot_suffix}"
        db_file = staging / "snapshot"
        databases.snapshot(target, db_file)
        reporter.advance(1)
        media = _media_files(media_root, leave_out=out)
        manifest = Manifest(
            engine=target.engine,
            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
            database=archive.file_entry(db_file, db_name),
            media=[archive.file_entry(path, name) for name, path in media.items()],
        )
        reporter.phase("writing archive", sum(e.size for e in manifest.entries()))
        partial = staging / "archive.tar"
        archive.write_archive(partial, manifest, {db_name: db_file, **media}, reporter.advance)
        os.replace(partial, out)
    return manifest


def _media_files(media_root: Path, leave_out: Path | None = None) -> dict[str, Path]:
    """Every uploaded file; not our own staging folders or archive should they sit inside."""
    if not media_root.is_dir():
        return {}
    return {
        f"{MEDIA_DIR}/{path.relative_to(media_root).as_posix()}": path
        for path in sorted(media_root.rglob("*"))
        if path.is_file()
        and path != leave_out
        and not any(part.startswith(STAGING_PREFIX) for part in path.parts)
    }


def backup_restore(
    source: Path, *, target: Target, media_root: Path, force: bool, reporter: Reporter
) -> Restored:
    manifest = archive.read_manifest(source)
    _refuse_unless_fit(manifest, target, media_root, force)
    media_root = media_root.resolve()
    media_root.parent.mkdir(parents=True, exist_ok=True)
    with _staging(media_root.parent) as staging:
        reporter.phase("checking archive", sum(e.size for e in manifest.entries()))
        archive.extract_verified(source, staging, reporter.advance)
        reporter.phase("restoring database", 1)
        if target.engine == databases.SQLITE:
            connections.close_all()  # the file is about to be replaced under them
        databases.restore_into(target, staging / manifest.database.path, force=force)
        reporter.advance(1)
        _swap_media(staging / MEDIA_DIR, media_root)
    reporter.phase("audit verify", 1)
    check = audit_verify(target)
    reporter.advance(1)
    return Restored(manifest, check)


def _refuse_unless_fit(manifest: Manifest, target: Target, media_root: Path, force: bool) -> None:
    if manifest.engine != target.engine:
        raise RestoreRefused(
            f"the backup is of a {manifest.engine} database; the target is {target.engine}"
        )
    if force:
        return
    if not databases.is_empty(target):
        raise RestoreRefused(
            f"the target database {target.name} is not empty: restore into an empty one, "
            "or give --force to replace its contents"
        )
    if _media_files(media_root):
        raise RestoreRefused(
            f"the uploads folder {media_root} is not empty: give --force to replace it"
        )


def _swap_media(restored: Path, media_root: Path) -> None:
    restored.mkdir(exist_ok=True)
    if not media_root.exists():
        os.replace(restored, media_root)
        return
    previous = media_root.with_name(f".{media_root.name}.replaced")
    shutil.rmtree(previous, ignore_errors=True)
    os.replace(media_root, previous)
    os.replace(restored, media_root)
    shutil.rmtree(previous)


@contextmanager
def _staging(parent: Path) -> Iterator[Path]:
    """A private folder on the target's file system (so renames are atomic), always removed."""
    parent.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=parent))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def audit_verify(target: Target) -> AuditCheck:
    """``zhengfa audit verify`` in a child process bound to the restored database."""
    env = {**os.environ, "DATABASE_URL": target.url(), "ZHENGFA_VAR_DIR": str(settings.VAR_DIR)}
    if settings.ZHENGFA_AUDIT_KEY:
        env["ZHENGFA_AUDIT_KEY"] = settings.ZHENGFA_AUDIT_KEY
    result = subprocess.run(  # noqa: S603 - the running interpreter and our own module
        [sys.executable, "-m", "zhengfa.cli", "audit", "verify", "--json"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        return AuditCheck(False, 0, result.stderr.strip()[-500:] or "audit verify printed nothing")
    breaks = report.get("breaks") or []
    return AuditCheck(result.returncode == 0, int(report.get("rows", 0)), str(breaks[:1]))


__all__ = ["ArchiveError", "RestoreRefused", "backup_create", "backup_restore"]
