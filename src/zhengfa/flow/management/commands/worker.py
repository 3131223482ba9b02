"""``zhengfa worker``: sweep and deliver notices in a loop until SIGTERM.

Run as many as you like against PostgreSQL (SKIP LOCKED shares the work); on SQLite run one.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from zhengfa.flow.sweeper import Worker


class Command(BaseCommand):
    help = "Run the sweeper and notice delivery in a loop (stops cleanly on SIGTERM)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=30.0, help="seconds between passes")
        parser.add_argument("--batch", type=int, default=500)
        parser.add_argument("--once", action="store_true", help="one pass, then exit")
        parser.add_argument(
            "--checkpoint-every",
            type=float,
            default=300.0,
            help="seconds between signed audit checkpoints",
        )

    def handle(
        self,
        *args: Any,
        interval: float,
        batch: int,
        once: bool,
        checkpoint_every: float,
        **opts: Any,
    ) -> None:
        worker = Worker(interval=interval, batch=batch, checkpoint_every=checkpoint_every)
        worker.install_signals()
        result = worker.run(once=once)
        self.stdout.write(f"worker stopped: {result.warnings} warnings, {result.overdue} overdue")
