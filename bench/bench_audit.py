"""Rerunnable benchmark of the audit log: ``python bench/bench_audit.py [--rows N] [--json]``.

Runs on a throw-away test database of whatever ``DATABASE_URL`` points at (SQLite when
unset): appends (one transaction per row, as services do), verification, and on
PostgreSQL concurrent writers on distinct shards against writers on one shard.
Results are recorded in bench/README.md.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from typing import Any

import benchkit

benchkit.setup_django()

from django.db import connection, transaction  # noqa: E402

from zhengfa.audit.chain import shard_for  # noqa: E402
from zhengfa.audit.checkpoints import checkpoint_write  # noqa: E402
from zhengfa.audit.services import audit_record  # noqa: E402
from zhengfa.audit.verify import verify_log  # noqa: E402


def _append(subject_id: str, rows: int) -> None:
    for i in range(rows):
        with transaction.atomic():
            audit_record(
                actor=None,
                action="bench.step",
                subject_type="matter",
                subject_id=subject_id,
                new={"i": i, "due": "2026-03-01"},
                reason="基准测试",
            )


def _threads(subjects: list[str], rows: int) -> float:
    def run(subject: str) -> None:
        try:
            _append(subject, rows)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(s,)) for s in subjects]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start


def _distinct_shard_subjects(count: int) -> list[str]:
    chosen: dict[int, str] = {}
    n = 0
    while len(chosen) < count:
        chosen.setdefault(shard_for("matter", f"b{n}"), f"b{n}")
        n += 1
    return list(chosen.values())


def run(rows: int, writers: int) -> dict[str, Any]:
    figures: dict[str, Any] = {"database": connection.vendor, "rows": rows}
    subjects = _distinct_shard_subjects(16)
    per_subject = rows // len(subjects)
    seconds = benchkit.timed(lambda: [_append(s, per_subject) for s in subjects])
    figures["append_per_s"] = round(per_subject * len(subjects) / seconds)
    checkpoint_write()
    report = verify_log()
    seconds = benchkit.timed(verify_log)
    figures["verify_rows_per_s"] = round(report.rows / seconds)
    figures["intact"] = report.intact
    if connection.vendor == "postgresql":
        each = max(rows // (writers * 4), 50)
        distinct = _threads(_distinct_shard_subjects(writers), each)
        same = _threads([subjects[0]] * writers, each)
        figures["writers"] = writers
        figures["concurrent_distinct_shards_per_s"] = round(writers * each / distinct)
        figures["concurrent_same_shard_per_s"] = round(writers * each / same)
        figures["intact_after_concurrency"] = verify_log().intact
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with benchkit.throwaway_database():
        figures = run(args.rows, args.writers)
    benchkit.print_figures(figures, as_json=args.json, width=36)
    return 0 if figures["intact"] else 1


if __name__ == "__main__":
    sys.exit(main())
