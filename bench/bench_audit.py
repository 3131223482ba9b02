"""Rerunnable benchmark of the audit log: ``python bench/bench_audit.py [--rows N] [--json]``.

Runs on a throw-away test database of whatever ``DATABASE_URL`` points at (SQLite when
unset): appends (one transaction per row, as services do), verification, and on
PostgreSQL concurrent writers on distinct shards against writers on one shard.
Results are recorded in bench/README.md.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import sys
import threading
import time
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhengfa.settings")
os.environ.setdefault("DEBUG", "0")  # DEBUG records every query in memory
for _name in ("ZHENGFA_AUDIT_KEY", "ZHENGFA_PII_HASH_KEY"):
    os.environ.setdefault(_name, base64.b64encode(os.urandom(32)).decode())
os.environ.setdefault("ZHENGFA_PII_KEYS", "b1:" + base64.b64encode(os.urandom(32)).decode())

import django  # noqa: E402 - settings must be in the environment first

django.setup()

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


def _timed(work: Any) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


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
    seconds = _timed(lambda: [_append(s, per_subject) for s in subjects])
    figures["append_per_s"] = round(per_subject * len(subjects) / seconds)
    checkpoint_write()
    report = verify_log()
    seconds = _timed(verify_log)
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
    old_name = connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        figures = run(args.rows, args.writers)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        for name, value in figures.items():
            print(f"{name:36} {value}")
    return 0 if figures["intact"] else 1


if __name__ == "__main__":
    sys.exit(main())
