"""Run child processes side by side; stop them all on SIGTERM/SIGINT or when one exits.

`zhengfa serve` uses it for gunicorn and the worker: whichever signal reaches the parent
is forwarded as SIGTERM to every child, each gets a grace period, then SIGKILL.
"""

from __future__ import annotations

import signal
import subprocess
import threading
from collections.abc import Sequence
from types import FrameType

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class Supervisor:
    def __init__(self, commands: Sequence[Sequence[str]], grace_seconds: float = 30.0) -> None:
        self.commands = [list(command) for command in commands]
        self.grace_seconds = grace_seconds
        self.children: list[subprocess.Popen[bytes]] = []
        self.stop_signal: int | None = None
        self._stop = threading.Event()

    def run(self, env: dict[str, str] | None = None) -> int:
        """Start every command and wait; 0 after a stop signal, else the failed child's code."""
        previous = {sig: signal.signal(sig, self._on_signal) for sig in STOP_SIGNALS}
        try:
            # Our own argv lists (sys.executable -m …), never user input: S603 does not apply.
            self.children = [subprocess.Popen(c, env=env) for c in self.commands]  # noqa: S603
            exited = self._wait_for_stop_or_exit()
        finally:
            self._terminate_all()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        if exited is None:
            return 0
        return exited.returncode or 1

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self.stop_signal = signum
        self._stop.set()

    def _wait_for_stop_or_exit(self) -> subprocess.Popen[bytes] | None:
        while not self._stop.wait(timeout=0.2):
            for child in self.children:
                if child.poll() is not None:
                    return child
        return None

    def _terminate_all(self) -> None:
        for child in self.children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in self.children:
            try:
                child.wait(timeout=self.grace_seconds)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
