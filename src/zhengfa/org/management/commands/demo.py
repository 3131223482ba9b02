"""``zhengfa demo [--seed N] [--scale N] [--if-empty]``: build the Hegang demo city."""

from __future__ import annotations

from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from zhengfa.org.demo.build import DemoRefused, demo_city_build
from zhengfa.org.selectors import city_loaded, demo_logins


class RichProgress:
    """Adapts the builder's stages to rich progress bars, one bar per stage."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task: Any = None

    def stage(self, label: str, total: int) -> None:
        self.task = self.progress.add_task(label, total=total)

    def advance(self, amount: int = 1) -> None:
        self.progress.advance(self.task, amount)


class Command(BaseCommand):
    help = "Build the Hegang demo city (real divisions and borders, synthetic people)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2304, help="random seed (default 2304)")
        parser.add_argument("--scale", type=int, default=1, help="grids ×N for benchmarks")
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing if a city is already loaded"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console(file=cast(IO[str], self.stdout))  # OutputWrapper proxies the stream
        if options["if_empty"] and city_loaded():
            console.print("城市已加载 A city is already loaded; the demo logins:")
        else:
            self._build(console, options["seed"], options["scale"])
        console.print(_logins_table())

    def _build(self, console: Console, seed: int, scale: int) -> None:
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        try:
            with Progress(*columns, console=console) as bars:
                city = demo_city_build(
                    actor=None, seed=seed, scale=scale, progress=RichProgress(bars)
                )
        except DemoRefused as e:
            raise CommandError(_message(e), returncode=2) from e
        counts = ", ".join(f"{k} {v}" for k, v in city.counts.items())
        console.print(f"演示城市已建成 demo city built (seed {seed}, scale {scale}): {counts}")


def _message(error: DemoRefused) -> str:
    return "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in error.message_dict.items())


def _logins_table() -> Table:
    table = Table(title="演示账号 Demo logins (演示数据 demo data only)")
    table.add_column("角色 role", overflow="fold")
    table.add_column("用户名 username", no_wrap=True)  # typed in by hand: never cut
    table.add_column("密码 password", no_wrap=True)
    table.add_column("所在 place", overflow="fold")
    for login in demo_logins():
        table.add_row(login.role_label, login.username, login.password, login.place)
    return table
