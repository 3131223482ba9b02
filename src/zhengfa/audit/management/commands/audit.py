"""``zhengfa audit verify [--json]`` and ``zhengfa audit checkpoint [--every SECONDS]``.

verify exits 0 when every chain and checkpoint is intact and 1 when something is broken,
naming the first broken link of each shard (shard, seq, what is wrong).
"""

from __future__ import annotations

import json
import signal
import threading
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from zhengfa.audit.checkpoints import checkpoint_write
from zhengfa.audit.models import AuditEntry
from zhengfa.audit.verify import Report, verify_log

BROKEN_EXIT = 1


class Command(BaseCommand):
    help = "Verify the audit log's hash chains and checkpoints, or write a signed checkpoint."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        verify = sub.add_parser("verify", help="check every chain and checkpoint")
        verify.add_argument("--json", action="store_true", help="print the report as JSON")
        checkpoint = sub.add_parser("checkpoint", help="sign every shard's head")
        checkpoint.add_argument(
            "--every",
            type=int,
            metavar="SECONDS",
            help="keep running and write one every SECONDS (stops cleanly on SIGTERM)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["subcommand"] == "verify":
                self._verify(as_json=options["json"])
            else:
                self._checkpoint(every=options["every"])
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc), returncode=2) from exc

    def _verify(self, *, as_json: bool) -> None:
        report = _verify_with_progress()
        if as_json:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        else:
            self._print_report(report)
        if not report.intact:
            raise CommandError(f"audit log BROKEN: {report.breaks[0]}", returncode=BROKEN_EXIT)

    def _print_report(self, report: Report) -> None:
        summary = f"rows {report.rows}, shards {report.shards}, checkpoints {report.checkpoints}"
        if report.intact:
            self.stdout.write(self.style.SUCCESS(f"audit log intact: {summary}"))
            return
        self.stdout.write(self.style.ERROR(f"audit log BROKEN ({summary}):"))
        for broken in report.breaks:
            self.stdout.write(f"  {broken}")

    def _checkpoint(self, *, every: int | None) -> None:
        if every is not None and every < 1:
            raise CommandError("--every: expected a whole number of seconds ≥ 1", returncode=2)
        if not every:
            self._write_checkpoint()
            return
        stop = threading.Event()
        previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            while True:
                self._write_checkpoint()
                if stop.wait(every):
                    return
        finally:
            signal.signal(signal.SIGTERM, previous)

    def _write_checkpoint(self) -> None:
        checkpoint = checkpoint_write()
        # One line to ship off the machine: a copy the database cannot rewrite.
        self.stdout.write(
            f"checkpoint {checkpoint.number} {checkpoint.created_at.isoformat()} "
            f"signature {checkpoint.signature} heads {checkpoint.heads_json}"
        )


def _verify_with_progress() -> Report:
    total = AuditEntry.objects.count()
    columns = (
        TextColumn("verifying audit log"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("rows", total=total)
        return verify_log(progress=lambda n: progress.advance(task, n))
