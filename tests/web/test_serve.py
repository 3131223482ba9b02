from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from zhengfa.web.supervisor import Supervisor

ZHENGFA = str(Path(sys.executable).with_name("zhengfa"))


def test_a_bad_port_is_refused_with_exit_2(db: None) -> None:
    with pytest.raises(CommandError, match="--port") as raised:
        call_command("serve", port="80x")
    assert raised.value.returncode == 2


def test_when_one_child_fails_the_others_are_stopped_and_its_code_returned(
    tmp_path: Path,
) -> None:
    marker, ready = tmp_path / "stopped", tmp_path / "ready"
    sleeper = (
        "import signal, sys, time, pathlib\n"
        f"def stop(*_): pathlib.Path({str(marker)!r}).write_text('term'); sys.exit(0)\n"
        "signal.signal(signal.SIGTERM, stop)\n"
        f"pathlib.Path({str(ready)!r}).touch()\n"
        "while True: time.sleep(0.05)\n"
    )
    # The failing child waits until the sleeper can take SIGTERM, so the test cannot race.
    failing = (
        "import pathlib, sys, time\n"
        f"while not pathlib.Path({str(ready)!r}).exists(): time.sleep(0.05)\n"
        "sys.exit(3)\n"
    )
    supervisor = Supervisor([[sys.executable, "-c", sleeper], [sys.executable, "-c", failing]])
    assert supervisor.run() == 3
    assert marker.read_text() == "term"
    assert all(child.poll() is not None for child in supervisor.children)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/status")
    return status.exists() and "zombie" not in status.read_text()


def _get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url) as response:  # noqa: S310 (our own server on loopback)
        return response.status, response.read()


def _wait_until_serving(url: str, process: subprocess.Popen[bytes]) -> None:
    for _ in range(600):  # a bound on attempts, so a broken server fails instead of hanging
        assert process.poll() is None, process.stdout.read() if process.stdout else ""
        try:
            _get(url)
            return
        except OSError:
            time.sleep(0.1)
    pytest.fail("the server never answered")


@pytest.fixture(scope="module")
def served_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A fresh, migrated SQLite database in its own var/ for the real server."""
    var = tmp_path_factory.mktemp("var")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(ZHENGFA_VAR_DIR=str(var), DJANGO_SETTINGS_MODULE="zhengfa.settings")
    subprocess.run([ZHENGFA, "migrate", "--no-input", "-v0"], env=env, check=True)
    return env


@pytest.mark.slow
@pytest.mark.parametrize(
    ("stop", "options", "child_count"),
    [(signal.SIGTERM, [], 2), (signal.SIGINT, ["--no-worker"], 1)],
    ids=["sigterm-with-worker", "sigint-without-worker"],
)
def test_serve_runs_gunicorn_and_the_worker_and_stops_cleanly(
    served_env: dict[str, str], stop: signal.Signals, options: list[str], child_count: int
) -> None:
    port = _free_port()
    env = {**served_env, "PORT": str(port)}
    process = subprocess.Popen(
        [ZHENGFA, "serve", *options], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        _wait_until_serving(f"http://127.0.0.1:{port}/healthz", process)
        status, css = _get(f"http://127.0.0.1:{port}/static/web/css/site.css")
        assert status == 200 and b"--accent" in css
        status, _ = _get(f"http://127.0.0.1:{port}/static/web/vendor/leaflet/leaflet.js")
        assert status == 200
        children = _children(process.pid)
        assert len(children) == child_count  # gunicorn, and the worker unless --no-worker
        process.send_signal(stop)
        output, _ = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, output.decode()
    assert b"Stopped." in output
    assert not any(_alive(child) for child in children)
    assert (Path(served_env["ZHENGFA_VAR_DIR"]) / "static" / "web" / "css" / "site.css").exists()
