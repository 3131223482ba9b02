"""``zhengfa restore IN [--force]``: load a backup into an empty database and MEDIA_ROOT."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dj_database_url
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhengfa.ops.archive import ArchiveError
from zhengfa.ops.databases import DatabaseError, Target
from zhengfa.ops.management.commands._progress import RichReporter
from zhengfa.ops.services import RestoreRefused, backup_restore

AUDIT_BROKEN_EXIT = 1


class Command(BaseCommand):
    help = (
        "Restore a backup archive into an empty database and uploads folder (checksums "
        "checked first), then run audit verify. Stop the web server and workers first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", type=Path, help="the archive written by `zhengfa backup`")
        parser.add_argument(
            "--force", action="store_true", help="replace a target that already holds data"
        )
        parser.add_argument(
            "--database-url",
            help="restore into this database instead of the configured one (e.g. a drill)",
        )
        parser.add_argument(
            "--media-root", type=Path, help="restore the uploads here instead of MEDIA_ROOT"
        )

    def handle(self, *args: Any, source: Path, force: bool, **options: Any) -> None:
        config = settings.DATABASES["default"]
        if options["database_url"]:
            config = dict(dj_database_url.parse(options["database_url"]))
        media_root = options["media_root"] or Path(settings.MEDIA_ROOT)
        try:
            target = Target.from_settings(config)
            with RichReporter() as reporter:
                restored = backup_restore(
                    source, target=target, media_root=media_root, force=force, reporter=reporter
                )
        except (ArchiveError, RestoreRefused) as exc:
            raise CommandError(f"restore refused, nothing changed: {exc}", returncode=2) from exc
        except (DatabaseError, OSError) as exc:
            raise CommandError(f"restore failed: {exc}", returncode=2) from exc
        manifest, audit = restored.manifest, restored.audit
        self.stdout.write(
            f"restored {manifest.engine} database of {manifest.created_at} into {target.name} "
            f"and {len(manifest.media)} uploaded files into {media_root}"
        )
        if not audit.intact:
            raise CommandError(
                f"audit verify FAILED on the restored database: {audit.detail}",
                returncode=AUDIT_BROKEN_EXIT,
            )
        self.stdout.write(f"audit verify: intact, {audit.rows} rows")
