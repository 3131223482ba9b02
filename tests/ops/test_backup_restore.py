"""Back up a small world (matters, uploaded photos, audit rows, a person's sealed data),
restore it into an empty database, and find everything intact."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.conf import settings as django_settings
from django.db import connection

from tests.hazards.conftest import Hz
from tests.hazards.test_inspections import _inspect
from tests.ops.helpers import (
    Recorder,
    files_under,
    row_counts_here,
    row_counts_in,
    rows_here,
    rows_in,
)
from tests.pii.fixtures import VALID_ID
from zhengfa.audit.models import AuditEntry
from zhengfa.flow.models import Matter
from zhengfa.hazards.models import HazardPhoto
from zhengfa.ops.archive import read_manifest
from zhengfa.ops.databases import POSTGRESQL, SQLITE, Target
from zhengfa.ops.services import backup_create, backup_restore
from zhengfa.pii.services import person_create

pytestmark = pytest.mark.django_db(transaction=True)

AUDIT_ROWS = (
    f"SELECT shard, seq, row_hash, personal FROM {AuditEntry._meta.db_table} ORDER BY shard, seq"  # noqa: S608
)
MATTERS = f"SELECT id, kind, stage, owner_id FROM {Matter._meta.db_table} ORDER BY id"  # noqa: S608


@pytest.fixture
def empty_target(tmp_path: Path) -> Iterator[Target]:
    """A new SQLite file, or a new PostgreSQL database created here and dropped after."""
    source = Target.from_settings(connection.settings_dict)
    if source.engine == SQLITE:
        yield Target(SQLITE, str(tmp_path / "restored.sqlite3"))
        return
    name = f"{source.name}_restored"
    admin = {"dbname": "postgres", "user": source.user, "host": source.host, "port": source.port}
    with psycopg.connect(**admin, autocommit=True) as pg:
        pg.execute(f'DROP DATABASE IF EXISTS "{name}"')
        pg.execute(f'CREATE DATABASE "{name}"')
    try:
        yield Target(POSTGRESQL, name, source.user, source.password, source.host, source.port)
    finally:
        with psycopg.connect(**admin, autocommit=True) as pg:
            pg.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_restored_backup_has_every_matter_file_and_audit_link(
    hz: Hz, empty_target: Target, tmp_path: Path, settings: Any
) -> None:
    _inspect(hz)
    _inspect(hz, actor=hz.officer)
    person_create(actor=hz.operator, name="张三", id_number=VALID_ID, phone="13812345678")
    media_root = Path(django_settings.MEDIA_ROOT)
    photos = files_under(media_root)
    assert len(photos) == HazardPhoto.objects.count() >= 2
    source = Target.from_settings(connection.settings_dict)

    archive = tmp_path / "backup.tar"
    manifest = backup_create(archive, target=source, media_root=media_root, reporter=Recorder())
    assert read_manifest(archive) == manifest and len(manifest.media) == len(photos)

    restored_media = tmp_path / "restored-media"
    recorder = Recorder()
    restored = backup_restore(
        archive, target=empty_target, media_root=restored_media, force=False, reporter=recorder
    )

    assert restored.audit.intact, restored.audit.detail
    assert restored.audit.rows == AuditEntry.objects.count() > 0
    assert row_counts_in(empty_target) == row_counts_here()
    assert rows_in(empty_target, MATTERS) == rows_here(MATTERS) != []
    assert rows_in(empty_target, AUDIT_ROWS) == rows_here(AUDIT_ROWS)
    assert files_under(restored_media) == photos
    assert recorder.phases[-1] == "audit verify"
    assert not list(tmp_path.glob(".zhengfa-ops-*")), "staging folders are removed"
