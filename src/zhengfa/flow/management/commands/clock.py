"""``zhengfa clock recalc``; the pure subcommands (due, rules, bench, import-notice) are
forwarded to the legal clock's own CLI, as ``zhengfa.cli`` does before Django loads."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.progress import Progress

from zhengfa.clock import ClockError
from zhengfa.flow.models import Clock, ClockState
from zhengfa.flow.recalc import clock_recalc

PURE = ("due", "rules", "bench", "import-notice")


class Command(BaseCommand):
    help = "recalc: recompute open clocks after a holiday notice or a rule correction."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", help=f"recalc, or one of {', '.join(PURE)}")
        parser.add_argument("rest", nargs="*", help="arguments of a pure subcommand")
        parser.add_argument("--reason", default="", help="why (recorded on every moved clock)")
        parser.add_argument("--rule", action="append", default=[], help="only these rule codes")

    def run_from_argv(self, argv: list[str]) -> None:
        if len(argv) > 2 and argv[2] in PURE:
            from zhengfa.clock.cli import main

            sys.exit(main(argv[2:]))
        super().run_from_argv(argv)

    def handle(self, *args: Any, action: str, reason: str, rule: list[str], **opts: Any) -> None:
        if action != "recalc":
            raise CommandError(
                f"unknown action {action!r}; accepted: recalc, {', '.join(PURE)}", returncode=2
            )
        if not reason.strip():
            raise CommandError(
                "--reason is required (e.g. '2027 holiday notice imported')", returncode=2
            )
        total = Clock.objects.exclude(state=ClockState.STOPPED).count()
        with Progress(transient=True) as progress:
            task = progress.add_task("recalc", total=total)
            try:
                result = clock_recalc(
                    actor=None,
                    reason=reason,
                    rules=rule,
                    progress=lambda n: progress.advance(task, n),
                )
            except ClockError as exc:
                raise CommandError(str(exc), returncode=2) from exc
        self.stdout.write(
            f"examined {result.examined} · bulk {result.bulk} · moved "
            f"{result.moved} · earlier {result.earlier}"
        )
