"""Fault drill (b): restart PostgreSQL under a running server, a sweep and retrying clients.

    python bench/faults/pg_restart.py [--seconds 40] [--restarts 2] [--clients 4]

NEVER the machine's server on 5432: the drill makes a throw-away cluster of its own
(``initdb`` as the ``postgres`` system user into /tmp/zf_load_pgcluster, port 55432, its
socket in /tmp/zf_load_pgsock), copies the demo database ``zf_load`` into it with
pg_dump/pg_restore, serves it with ``zhengfa serve`` and sends retrying intake clients
(``Idempotency-Key``) and a sweep 30 days ahead at it. ``--restarts`` times it restarts
the cluster, alternating ``pg_ctl restart -m fast`` (a clean restart, sessions cut) and
``-m immediate`` (a crash: recovery from the WAL). The web server and its worker are
left alone: they must reconnect by themselves (CONN_HEALTH_CHECKS; the worker retries a
round). A sweep cut by a restart is started again. Afterwards: every acknowledged report
stored exactly once, no clock lost a warning or got two, ``zhengfa audit verify`` passes.
The cluster is stopped and removed at the end (``--keep`` keeps it).
"""

from __future__ import annotations

import argparse
import glob
import shutil
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]  # common.py here, benchkit.py in bench/

from common import (  # noqa: E402 - the folders are put on the path first
    ClientLog,
    check_audit,
    check_stored_once,
    check_warnings,
    client_threads,
    intake_fixture,
    last_clock_id,
    sweep_process,
    sweep_to_completion,
)

import benchkit  # noqa: E402

CLUSTER = Path("/tmp/zf_load_pgcluster")  # noqa: S108 - a throw-away cluster, ours only
SOCKETS = Path("/tmp/zf_load_pgsock")  # noqa: S108
PG_PORT = 55432
SOURCE = "postgres://postgres@127.0.0.1:5432/zf_load"
DRILL_DB = f"postgres://postgres@127.0.0.1:{PG_PORT}/zf_load_drill"
WEB_PORT = 8742


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise SystemExit(f"{name} not found under /usr/lib/postgresql/*/bin")
    return found[-1]


def _as_postgres(*command: str) -> None:
    subprocess.run(["runuser", "-u", "postgres", "--", *command], check=True)  # noqa: S603, S607


def pg_ctl(*args: str) -> None:
    options = f"-p {PG_PORT} -k {SOCKETS} -c listen_addresses=127.0.0.1"
    _as_postgres(
        _bin("pg_ctl"), "-D", str(CLUSTER), "-o", options, "-l", str(CLUSTER / "log"), "-w", *args
    )


def make_cluster() -> None:
    if (CLUSTER / "postmaster.pid").exists():
        pg_ctl("stop", "-m", "immediate")
    for folder in (CLUSTER, SOCKETS):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        shutil.chown(folder, "postgres", "postgres")
    _as_postgres(_bin("initdb"), "-D", str(CLUSTER), "-A", "trust", "-U", "postgres", "-E", "UTF8")
    pg_ctl("start")
    dump = "/tmp/zf_load_drill.dump"  # noqa: S108
    subprocess.run([_bin("pg_dump"), "-Fc", "-f", dump, SOURCE], check=True)  # noqa: S603
    subprocess.run(  # noqa: S603
        [
            _bin("createdb"),
            "-h",
            "127.0.0.1",
            "-p",
            str(PG_PORT),
            "-U",
            "postgres",
            "zf_load_drill",
        ],
        check=True,
    )
    subprocess.run(  # noqa: S603
        [_bin("pg_restore"), "-j", "2", "--no-owner", "-d", DRILL_DB, dump], check=True
    )
    migrate = [sys.executable, "-m", "zhengfa.cli", "migrate", "-v0"]  # the code may be newer
    subprocess.run(migrate, env=benchkit.server_env(DRILL_DB), check=True)  # noqa: S603


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=40)
    parser.add_argument("--restarts", type=int, default=2)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--keep", action="store_true", help="leave the cluster running")
    args = parser.parse_args()
    make_cluster()
    try:
        return drill(args)
    finally:
        if not args.keep:
            pg_ctl("stop", "-m", "fast")
            shutil.rmtree(CLUSTER, ignore_errors=True)


def drill(args: argparse.Namespace) -> int:
    benchkit.setup_django_as_server(DRILL_DB)
    from django.db import connection
    from django.utils import timezone

    fixture = intake_fixture()
    connection.close()  # the cluster restarts under us too
    sweep_at = timezone.now() + timedelta(days=30)
    env = benchkit.server_env(DRILL_DB)
    server = benchkit.Server(DRILL_DB, WEB_PORT)
    server.start()
    log = ClientLog()
    until = time.monotonic() + args.seconds
    threads = client_threads(
        server.url, fixture["token"], fixture["grid_codes"], log, until, args.clients
    )
    pause = args.seconds / (args.restarts + 1)
    sweeper = sweep_process(env, sweep_at)
    for restart in range(args.restarts):
        time.sleep(pause)
        mode = ("fast", "immediate")[restart % 2]
        pg_ctl("restart", "-m", mode)
        print(f"restart {restart + 1} ({mode}): {len(log.acknowledged)} acknowledged so far")
        if sweeper.poll() is not None:
            sweeper = sweep_process(env, sweep_at)  # the cut sweep starts again
    for thread in threads:
        thread.join()
    sweeper.wait()
    alive = server.process is not None and server.process.poll() is None
    up_to_clock = last_clock_id()
    swept = sweep_to_completion(env, sweep_at)
    server.stop()
    problems = swept or check_stored_once(log) + check_warnings(
        sweep_at, up_to_clock
    ) + check_audit(env)
    if not alive:
        problems.append("the server (gunicorn or its worker) died with the database restart")
    print(f"acknowledged {len(log.acknowledged)} reports, {log.retries} resends")
    for problem in problems:
        print("FAIL", problem)
    print("OK: stored once, warnings once, audit verified" if not problems else "FAILED")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
