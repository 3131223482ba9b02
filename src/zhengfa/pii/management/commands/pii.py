"""``zhengfa pii rotate``: re-encrypt personal data under the current key (see pii.rotation)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from zhengfa.pii import crypto
from zhengfa.pii.models import Person
from zhengfa.pii.rotation import pii_rotate_keys


class Command(BaseCommand):
    help = "Personal data maintenance: 'rotate' re-encrypts it under the current key."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("rotate", help="re-encrypt under the first key of ZHENGFA_PII_KEYS")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            self._rotate()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc), returncode=2) from exc

    def _rotate(self) -> None:
        total = Person.objects.filter(erased_at__isnull=True).count()
        columns = (
            TextColumn("re-encrypting"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
            task = progress.add_task("people", total=total)
            changed = pii_rotate_keys(progress=lambda n: progress.advance(task, n))
        current = crypto.keyring().current_id
        self.stdout.write(f"{changed} of {total} people re-encrypted under key {current}")
