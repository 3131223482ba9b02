"""``zhengfa backup OUT``: the database and the uploaded files as one checked archive."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhengfa.ops.databases import DatabaseError, Target
from zhengfa.ops.management.commands._progress import RichReporter
from zhengfa.ops.services import backup_create


class Command(BaseCommand):
    help = "Back up the database (a consistent snapshot) and MEDIA_ROOT into one archive."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", type=Path, help="the archive to write (a .tar file)")

    def handle(self, *args: Any, out: Path, **options: Any) -> None:
        if out.exists() and not out.is_file():
            raise CommandError(f"{out}: exists and is not a file", returncode=2)
        try:
            target = Target.from_settings(settings.DATABASES["default"])
            with RichReporter() as reporter:
                manifest = backup_create(
                    out, target=target, media_root=Path(settings.MEDIA_ROOT), reporter=reporter
                )
        except (DatabaseError, OSError) as exc:
            raise CommandError(f"backup failed, nothing written: {exc}", returncode=2) from exc
        size = sum(entry.size for entry in manifest.entries())
        self.stdout.write(
            f"backup {out}: {manifest.engine} database and {len(manifest.media)} uploaded "
            f"files, {size} bytes, checksums in manifest.json"
        )
