"""The longer fuzz run: ``python bench/bench_fuzz.py [--examples 25] [--json]``.

Runs tests/hardening/test_fuzz_api.py (schemathesis against /api/v1/ and Open311, every
check on, anonymous and every role) with ``--examples`` examples per operation and
generation mode instead of the few of ``make test``, on a throw-away test database of
whatever ``DATABASE_URL`` points at (SQLite when unset; on SQLite only the callers of
the SQLite pass run, on PostgreSQL all of them). It prints, per document and caller, the
requests sent, the statuses they got and the distinct failures found, and exits non-zero
if any test failed. Record the figures in bench/README.md ("API fuzzing").
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TESTS = "tests/hardening/test_fuzz_api.py"


def _run(examples: int, report: Path) -> tuple[int, float]:
    env = os.environ | {"ZHENGFA_FUZZ_EXAMPLES": str(examples), "ZHENGFA_FUZZ_REPORT": str(report)}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", TESTS]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, check=False)
    return done.returncode, time.perf_counter() - started


def _summary(report: Path) -> dict[str, object]:
    rows = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]
    statuses: Counter[str] = Counter()
    for row in rows:
        statuses.update({str(k): v for k, v in row["statuses"].items()})
    return {
        "callers": len(rows),
        "requests": sum(row["calls"] for row in rows),
        "failures": sum(row["failures"] for row in rows),
        "server_errors": sum(v for k, v in statuses.items() if k.startswith("5")),
        "statuses": dict(sorted(statuses.items())),
        "rows": rows,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=25)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "fuzz.jsonl"
        report.touch()
        code, seconds = _run(args.examples, report)
        summary = _summary(report) | {"examples": args.examples, "seconds": round(seconds)}
    summary["database"] = (
        "postgresql" if "postgres" in os.environ.get("DATABASE_URL", "") else "sqlite"
    )
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        for row in summary.pop("rows"):  # type: ignore[attr-defined]
            print(
                f"{row['document']:<11} {row['caller']:<18} {row['calls']:>6} requests  "
                f"{row['failures']} failures  {row['statuses']}"
            )
        print(json.dumps(summary))
    return code


if __name__ == "__main__":
    sys.exit(main())
