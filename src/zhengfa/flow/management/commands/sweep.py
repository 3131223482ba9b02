"""``zhengfa sweep``: one pass of the sweeper (warnings, overdue escalation), then notices."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from zhengfa.flow.notices import deliver_pending
from zhengfa.flow.sweeper import sweep


class Command(BaseCommand):
    help = "Warn about clocks that reached a threshold and escalate the overdue, once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=500, help="clocks per transaction")
        parser.add_argument("--no-deliver", action="store_true", help="leave e-mail/SMS queued")

    def handle(self, *args: Any, batch: int, no_deliver: bool, **options: Any) -> None:
        result = sweep(batch=batch)
        delivered = 0
        while not no_deliver and (sent := deliver_pending()):
            delivered += sent
        self.stdout.write(
            f"clocks {result.clocks} · warnings {result.warnings} · overdue {result.overdue} "
            f"· notices {result.notices} · delivered {delivered}"
        )
