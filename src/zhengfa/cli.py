"""The ``zhengfa`` console command.

``zhengfa clock …`` (the pure legal clock: due, rules, bench, import-notice) runs
without loading Django, so it starts fast and works where no database exists.
Everything else is a Django management command: Django's own (migrate, createsuperuser,
…) and the project's (demo, serve, audit, org, sweep, worker, clock recalc, …).
"""

from __future__ import annotations

import os
import sys

PURE_CLOCK_COMMANDS = {"due", "rules", "bench", "import-notice"}


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) >= 2 and args[0] == "clock" and args[1] in PURE_CLOCK_COMMANDS:
        from zhengfa.clock.cli import main as clock_main

        return clock_main(args[1:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhengfa.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["zhengfa", *args])
    return 0


if __name__ == "__main__":
    sys.exit(main())
