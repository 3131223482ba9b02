"""Load test on loopback: ``python bench/bench_load.py [--steps 10,20,40,80] [--seconds 40]``.

Starts a production-like setup — ``zhengfa serve`` (gunicorn, 2 sync workers, WhiteNoise,
the flow worker beside it) with DEBUG off on PostgreSQL — and runs locust headless
(bench/load/locustfile.py: public progress lookups, the workbench, a case page, dispute
intake) at stepped user counts. For every step it prints throughput and p50/p95/p99 per
endpoint, and names the knee: the first step where the p95 of the slowest endpoint is more
than three times that of the lightest step, errors exceed 1 %, or throughput grows by less
than a tenth of the growth in users.

The database is ``DATABASE_URL`` (default: the ``zf_load`` database on 127.0.0.1:5432)
with the demo city loaded (``zhengfa migrate && zhengfa demo``). Preparation writes to it:
an API token for the demo grid worker and known lookup codes on 200 court cases (the
demo's codes are random and only their hashes are kept), so use a throw-away database.
Skips (exit 0) when that database is unreachable or has no demo city.
Results are recorded in bench/README.md.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import benchkit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/zf_load"
PORT = 8731
STAFF = "judge"
SESSIONS = 200  # one per simulated member of staff
INTAKE_USER = "grid_worker"
PROGRESS_CASES = 200
IGNORED = {"Aggregated"}


def prepare(database_url: str) -> dict[str, Any] | None:
    """Sample data for the locust users, read from (and set up in) the load database."""
    benchkit.setup_django_as_server(database_url)
    from django.db import OperationalError, transaction

    from zhengfa.courts.models import CourtCase
    from zhengfa.courts.reports import cases_for
    from zhengfa.courts.workflow.common import code_hash
    from zhengfa.org.models import Grid, User
    from zhengfa.org.tokens import token_create

    try:
        staff = User.objects.filter(username=STAFF).first()
        worker = User.objects.filter(username=INTAKE_USER).first()
    except OperationalError as exc:
        print(f"skipped: database {database_url} unreachable ({exc})")
        return None
    if staff is None or worker is None:
        print(f"skipped: no demo city in {database_url} (run zhengfa migrate && zhengfa demo)")
        return None
    case_ids = list(cases_for(staff).values_list("pk", flat=True)[:500])
    progress = []
    with transaction.atomic():
        for case in CourtCase.objects.order_by("pk")[:PROGRESS_CASES]:
            code = f"L{case.pk:07d}"
            CourtCase.objects.filter(pk=case.pk).update(verify_hash=code_hash(code))
            progress.append((case.number, code))
        token = token_create(user=worker, label="load test")
        sessions = [signed_in_session(staff) for _ in range(SESSIONS)]
    grids = Grid.objects.for_user(worker).values_list("code", flat=True)[:50]
    return {
        "sessions": sessions,
        "case_ids": case_ids,
        "progress": progress,
        "intake_token": token,
        "grid_codes": list(grids),
    }


def signed_in_session(user: Any) -> str:
    """A session as logging in leaves it. Staff log in once in the morning, not at the
    peak, and a login costs an Argon2 hash: the mix measures the work, not logins."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return str(session.session_key)


def run_step(users: int, seconds: int, data_file: Path, out: Path) -> list[dict[str, str]]:
    prefix = out / f"u{users}"
    command = [
        sys.executable, "-m", "locust", "-f", str(ROOT / "bench/load/locustfile.py"),
        "--headless", "--only-summary", "--reset-stats",
        "-u", str(users), "-r", str(max(users // 5, 1)),
        "-t", f"{seconds}s", "--host", f"http://127.0.0.1:{PORT}", "--csv", str(prefix),
        "--loglevel", "WARNING",
    ]  # fmt: skip
    env = {**os.environ, "ZHENGFA_LOAD_DATA": str(data_file)}
    subprocess.run(command, env=env, check=False, capture_output=True)  # noqa: S603
    with open(f"{prefix}_stats.csv", newline="") as handle:
        return list(csv.DictReader(handle))


def _figures(row: dict[str, str]) -> dict[str, float]:
    count = float(row["Request Count"])
    return {
        "requests": count,
        "rps": float(row["Requests/s"]),
        "errors": float(row["Failure Count"]) / count if count else 0.0,
        "p50": float(row["50%"]),
        "p95": float(row["95%"]),
        "p99": float(row["99%"]),
    }


def report(steps: dict[int, list[dict[str, str]]], seconds: int) -> dict[str, Any]:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Load on loopback ({seconds} s per step; latency in ms)")
    for column in ("users", "endpoint", "req/s", "p50", "p95", "p99", "errors"):
        table.add_column(column, justify="right" if column != "endpoint" else "left")
    results: dict[str, Any] = {}
    for users, rows in steps.items():
        endpoints = {r["Name"]: _figures(r) for r in rows if r["Name"] not in IGNORED}
        endpoints["all"] = _overall(list(endpoints.values()))
        results[str(users)] = endpoints
        for name, f in endpoints.items():
            table.add_row(
                str(users), name, f"{f['rps']:.1f}", f"{f['p50']:.0f}",
                f"{f['p95']:.0f}", f"{f['p99']:.0f}", f"{f['errors']:.1%}",
            )  # fmt: skip
    Console().print(table)
    knee = find_knee({int(u): r["all"] for u, r in results.items()})
    print(f"knee: {knee}")
    results["knee"] = knee
    return results


def _overall(endpoints: list[dict[str, float]]) -> dict[str, float]:
    """All endpoints: summed throughput, weighted errors, and for latency the
    slowest endpoint's percentile (locust's CSV does not allow merging percentiles)."""
    requests = sum(f["requests"] for f in endpoints)
    return {
        "requests": requests,
        "rps": sum(f["rps"] for f in endpoints),
        "errors": sum(f["errors"] * f["requests"] for f in endpoints) / max(requests, 1),
        **{p: max(f[p] for f in endpoints) for p in ("p50", "p95", "p99")},
    }


def find_knee(total: dict[int, dict[str, float]]) -> str:
    users = sorted(total)
    base = total[users[0]]
    for earlier, later in zip(users, users[1:], strict=False):
        now, before = total[later], total[earlier]
        if now["errors"] > 0.01:
            return f"{later} users: {now['errors']:.1%} errors"
        if now["p95"] > 3 * max(base["p95"], 1):
            return (
                f"{later} users: p95 {now['p95']:.0f} ms, 3x the {base['p95']:.0f} ms at {users[0]}"
            )
        user_growth = later / earlier - 1
        if now["rps"] / max(before["rps"], 0.01) - 1 < user_growth / 10:
            return f"{later} users: throughput flat ({before['rps']:.1f} -> {now['rps']:.1f} req/s)"
    return f"not reached up to {users[-1]} users"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", default="10,20,40,80")
    parser.add_argument("--seconds", type=int, default=40)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL") or DEFAULT_DB
    data = prepare(database_url)
    if data is None:
        return
    print(f"load average before the run (2 cores, shared): {os.getloadavg()}")
    out = Path(tempfile.mkdtemp(prefix="zf_load_"))
    data_file = out / "data.json"
    data_file.write_text(json.dumps(data))
    server = benchkit.Server(database_url, PORT)
    server.start()
    try:
        steps = {}
        for users in (int(u) for u in args.steps.split(",")):
            print(f"step: {users} users for {args.seconds} s")
            steps[users] = run_step(users, args.seconds, data_file, out)
    finally:
        server.stop()
    results = report(steps, args.seconds)
    if args.json:
        print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
