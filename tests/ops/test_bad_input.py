"""Bad archives and occupied targets: exit 2 with the reason, and nothing changed."""

from __future__ import annotations

import tarfile
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from tests.ops.helpers import Recorder
from zhengfa.ops.databases import POSTGRESQL, SQLITE, DatabaseError, Target, restore_into
from zhengfa.ops.services import backup_create

pytestmark = pytest.mark.django_db(transaction=True)  # a snapshot sees committed data


@pytest.fixture
def archive(tmp_path: Path, settings: Any) -> Path:
    media = tmp_path / "media"
    (media / "hazards").mkdir(parents=True)
    (media / "hazards" / "a.jpg").write_bytes(b"\xff\xd8photo-bytes" * 100)
    settings.MEDIA_ROOT = str(media)
    out = tmp_path / "backup.tar"
    source = Target.from_settings(connection.settings_dict)
    backup_create(out, target=source, media_root=media, reporter=Recorder())
    return out


def _restore(source: Path, tmp_path: Path, *extra: str) -> str:
    out = StringIO()
    call_command(
        "restore",
        str(source),
        "--database-url",
        f"sqlite:///{tmp_path / 'target.sqlite3'}",
        "--media-root",
        str(tmp_path / "target-media"),
        *extra,
        stdout=out,
    )
    return out.getvalue()


def _refused(source: Path, tmp_path: Path, reason: str) -> None:
    with pytest.raises(CommandError, match=reason) as refused:
        _restore(source, tmp_path)
    assert refused.value.returncode == 2
    assert not (tmp_path / "target.sqlite3").exists()
    assert not (tmp_path / "target-media").exists()
    assert not list(tmp_path.glob(".zhengfa-ops-*"))


def _sqlite_only() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("restores a SQLite backup into a SQLite file")


def test_a_missing_archive_is_refused(tmp_path: Path) -> None:
    _refused(tmp_path / "nothing.tar", tmp_path, "no such file")


def test_a_file_that_is_not_an_archive_is_refused(tmp_path: Path) -> None:
    junk = tmp_path / "junk.tar"
    junk.write_bytes(b"this is not a tar file" * 50)
    _refused(junk, tmp_path, "not a backup archive|no manifest")


def test_a_damaged_file_inside_is_caught_by_its_checksum(archive: Path, tmp_path: Path) -> None:
    _sqlite_only()
    raw = bytearray(archive.read_bytes())
    at = raw.index(b"photo-bytes")
    raw[at : at + 5] = b"PHOTO"
    archive.write_bytes(bytes(raw))
    _refused(archive, tmp_path, "media/hazards/a.jpg: checksum mismatch")


def test_a_truncated_archive_is_refused(archive: Path, tmp_path: Path) -> None:
    _sqlite_only()
    raw = archive.read_bytes()
    archive.write_bytes(raw[: len(raw) // 2])
    _refused(archive, tmp_path, "damaged|not in the archive|not a backup archive")


def test_an_extra_file_not_in_the_manifest_is_refused(archive: Path, tmp_path: Path) -> None:
    _sqlite_only()
    sneaky = tmp_path / "sneaky.txt"
    sneaky.write_text("not listed")
    with tarfile.open(archive, "a") as tar:
        tar.add(sneaky, arcname="media/sneaky.txt")
    _refused(archive, tmp_path, "media/sneaky.txt: in the archive but not in the manifest")


def test_an_occupied_target_is_refused_unless_forced(archive: Path, tmp_path: Path) -> None:
    _sqlite_only()
    assert "audit verify: intact" in _restore(archive, tmp_path)
    (tmp_path / "target-media" / "later.txt").write_text("uploaded after the restore")
    before = (tmp_path / "target.sqlite3").read_bytes()
    with pytest.raises(CommandError, match="is not empty") as refused:
        _restore(archive, tmp_path)
    assert refused.value.returncode == 2
    assert (tmp_path / "target.sqlite3").read_bytes() == before
    assert (tmp_path / "target-media" / "later.txt").exists()

    assert "audit verify: intact" in _restore(archive, tmp_path, "--force")
    assert not (tmp_path / "target-media" / "later.txt").exists()
    assert (tmp_path / "target-media" / "hazards" / "a.jpg").read_bytes().startswith(b"\xff\xd8")


def test_without_the_postgresql_tools_the_error_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no pg_restore on it
    snapshot = tmp_path / "db.pgdump"
    snapshot.write_bytes(b"PGDMP")
    with pytest.raises(DatabaseError, match="pg_restore not found .*postgresql-client"):
        restore_into(Target(POSTGRESQL, "zf_nowhere"), snapshot, force=False)


def test_a_backup_of_one_engine_is_not_restored_into_another(archive: Path, tmp_path: Path) -> None:
    engine = Target.from_settings(connection.settings_dict).engine
    other = (
        "postgres://postgres@127.0.0.1:5432/zf_never_created"
        if engine == SQLITE
        else (f"sqlite:///{tmp_path / 'x.sqlite3'}")
    )
    with pytest.raises(CommandError, match="the backup is of a") as refused:
        call_command("restore", str(archive), "--database-url", other, stdout=StringIO())
    assert refused.value.returncode == 2
