"""Fault drill (a): kill -9 the web server, its workers and a sweep in the middle of work.

    python bench/faults/kill9.py [--seconds 40] [--kills 3] [--clients 4]

On the ``DATABASE_URL`` database (default ``zf_load`` on 127.0.0.1:5432, with the demo city):
``zhengfa serve`` (gunicorn workers + the flow worker) takes dispute reports and a judge's
extension requests (审限延长, an approval) from retrying clients (each with an
``Idempotency-Key``) while a sweep runs 5 days past the furthest
instant swept before, so it has clocks to warn. ``--kills`` times, the whole
server's process group and the sweep get SIGKILL together; both are started again. At
the end a last sweep at the same instant runs to completion and the invariants are
checked: every acknowledged report and request stored exactly once with the answer the client got;
no clock lost a warning or got two; ``zhengfa audit verify`` passes. Exit 1 otherwise.
Writes to the database: use a throw-away one.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]  # common.py here, benchkit.py in bench/

from common import (  # noqa: E402 - the folders are put on the path first
    ClientLog,
    approval_fixture,
    approval_thread,
    check_approvals_once,
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

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/zf_load"
PORT = 8741


def _next_sweep_instant(now: datetime) -> datetime:
    """5 days past the furthest instant any sweep reached, so that every run of the drill
    finds thousands of clocks with thresholds to warn."""
    from django.db.models import Max

    from zhengfa.flow.models import Warning

    furthest = Warning.objects.aggregate(at=Max("fired_at"))["at"] or now
    return max(furthest, now) + timedelta(days=5)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=40)
    parser.add_argument("--kills", type=int, default=3)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--database-url", default=DEFAULT_DB)
    args = parser.parse_args()
    migrate = [sys.executable, "-m", "zhengfa.cli", "migrate", "-v0"]  # the code may be newer
    subprocess.run(migrate, env=benchkit.server_env(args.database_url), check=True)  # noqa: S603
    benchkit.setup_django_as_server(args.database_url)
    from django.utils import timezone

    fixture = intake_fixture()
    approvals = approval_fixture()
    sweep_at = _next_sweep_instant(timezone.now())
    env = benchkit.server_env(args.database_url)
    server = benchkit.Server(args.database_url, PORT)
    server.start()
    log = ClientLog()
    until = time.monotonic() + args.seconds
    threads = client_threads(
        server.url, fixture["token"], fixture["grid_codes"], log, until, args.clients
    )
    threads.append(approval_thread(server.url, approvals, log, until))
    sweeps_killed = 0
    for kill in range(args.kills):
        time.sleep(max(args.seconds / args.kills - 3.0, 0.0))
        sweeper = sweep_process(env, sweep_at)
        time.sleep(random.uniform(1.0, 3.0))  # noqa: S311 - somewhere in the sweep
        server.kill9()
        if sweeper.poll() is None:
            sweeper.kill()
            sweeps_killed += 1
        sweeper.wait()
        print(f"kill {kill + 1}: server and sweep killed; {len(log.acknowledged)} acknowledged")
        time.sleep(1.0)
        server.start()
    for thread in threads:
        thread.join()
    up_to_clock = last_clock_id()
    swept = sweep_to_completion(env, sweep_at)
    server.stop()
    problems = swept or check_stored_once(log) + check_approvals_once(log) + check_warnings(
        sweep_at, up_to_clock
    ) + check_audit(env)
    print(
        f"acknowledged {len(log.acknowledged)} reports and {len(log.approvals)} extension "
        f"requests, {log.retries} resends, "
        f"{args.kills} server kills, {sweeps_killed} sweeps killed mid-run"
    )
    for problem in problems:
        print("FAIL", problem)
    print("OK: stored once, warnings once, audit verified" if not problems else "FAILED")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
