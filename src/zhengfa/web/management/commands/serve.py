"""``zhengfa serve``: gunicorn with WhiteNoise on the port, and the worker beside it."""

from __future__ import annotations

import os
import sys
from typing import Any

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from zhengfa.web.supervisor import Supervisor

WORKERS = 2


def _default_port() -> str:
    return os.environ.get("PORT") or "8000"


def _port(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 65535:
        raise CommandError(
            f"--port (or PORT) {value!r}: expected a whole number from 1 to 65535", returncode=2
        )
    return int(value)


def gunicorn_command(host: str, port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "zhengfa.web.wsgi:application",
        f"--bind={host}:{port}",
        f"--workers={WORKERS}",
        "--graceful-timeout=10",
        "--access-logfile=-",
    ]


def worker_command() -> list[str]:
    return [sys.executable, "-m", "zhengfa.cli", "worker"]


def _check_migrated() -> None:
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise CommandError(
            "the database has unapplied migrations: run `zhengfa migrate` first", returncode=2
        )


class Command(BaseCommand):
    help = "Serve the platform with gunicorn (2 workers) and run `zhengfa worker` beside it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", default=_default_port(), help="default $PORT or 8000")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument(
            "--no-worker", action="store_true", help="serve only; run no background worker"
        )

    def handle(self, *args: Any, port: str, host: str, no_worker: bool, **opts: Any) -> None:
        bind_port = _port(str(port))
        _check_migrated()
        call_command("collectstatic", interactive=False, verbosity=0)
        commands = [gunicorn_command(host, bind_port)]
        with_worker = not no_worker and "worker" in get_commands()
        if with_worker:
            commands.append(worker_command())
        self.stdout.write(
            f"Serving http://{host}:{bind_port}/ "
            f"({WORKERS} web workers{', background worker' if with_worker else ''}); "
            "stop with Ctrl-C or SIGTERM."
        )
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "zhengfa.settings"}
        code = Supervisor(commands).run(env=env)
        if code:
            raise CommandError(f"a child process exited with status {code}", returncode=code)
        self.stdout.write("Stopped.")
