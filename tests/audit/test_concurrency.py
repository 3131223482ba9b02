"""Concurrent writers on PostgreSQL: one lock per shard, no global lock, no gaps."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection, transaction

from tests.pii.fixtures import City
from zhengfa.audit.chain import shard_for
from zhengfa.audit.models import AuditEntry
from zhengfa.audit.services import audit_record
from zhengfa.audit.verify import verify_log

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

SHARDS = 8


def _subject_ids_on_distinct_shards(count: int) -> list[str]:
    """Subject ids ("matter", id) that land on ``count`` different shards."""
    chosen: dict[int, str] = {}
    candidate = 0
    while len(chosen) < count:
        chosen.setdefault(shard_for("matter", str(candidate), SHARDS), str(candidate))
        candidate += 1
    return list(chosen.values())


def _in_thread(work: Callable[[], None], errors: list[BaseException]) -> threading.Thread:
    def run() -> None:
        try:
            work()
        except BaseException as exc:  # reported to the test thread
            errors.append(exc)
        finally:
            connection.close()

    return threading.Thread(target=run)


def _append(actor: object, subject_id: str, rows: int) -> Callable[[], None]:
    def work() -> None:
        for i in range(rows):
            with transaction.atomic():
                audit_record(
                    actor=actor,
                    action="matter.step",
                    subject_type="matter",
                    subject_id=subject_id,
                    new={"i": i},
                )

    return work


def test_concurrent_writers_leave_gapless_verified_chains(city: City) -> None:
    subjects = _subject_ids_on_distinct_shards(6)
    # Two writers share each of the first two subjects' shards: they must queue, not clash.
    writers = [*subjects, subjects[0], subjects[1]]
    errors: list[BaseException] = []
    threads = [_in_thread(_append(city.judge, s, 25), errors) for s in writers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert AuditEntry.objects.count() == 25 * len(writers)
    for subject_id in subjects:
        shard = shard_for("matter", subject_id, SHARDS)
        seqs = list(
            AuditEntry.objects.filter(shard=shard).order_by("seq").values_list("seq", flat=True)
        )
        assert seqs == list(range(1, len(seqs) + 1))
    assert verify_log().intact


def test_a_writer_holding_one_shard_does_not_block_another_shard(city: City) -> None:
    first, second = _subject_ids_on_distinct_shards(2)
    holding, released = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def hold_first_shard() -> None:
        with transaction.atomic():
            audit_record(
                actor=city.judge, action="matter.step", subject_type="matter", subject_id=first
            )
            holding.set()
            released.wait(timeout=60)

    holder = _in_thread(hold_first_shard, errors)
    holder.start()
    assert holding.wait(timeout=60)
    try:
        with transaction.atomic():
            # Were there one global lock, this would wait for the holder and hit the timeout.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '10s'")
            entry = audit_record(
                actor=city.judge, action="matter.step", subject_type="matter", subject_id=second
            )
    finally:
        released.set()
        holder.join()
    assert errors == []
    assert entry.seq == 1
    assert verify_log().intact


def test_transactions_auditing_two_subjects_in_opposite_orders_do_not_deadlock(
    city: City,
) -> None:
    """Dispute intake audits the dispute, then its matter: two intakes whose subjects
    hash to the same two shards in opposite orders used to lock the two heads in
    opposite orders, and PostgreSQL aborted one (the load test's deadlocks)."""
    first, second = _subject_ids_on_distinct_shards(2)
    # Both have written their first row (and hold its head) before either writes its second.
    both_hold_one = threading.Barrier(2, timeout=30)
    errors: list[BaseException] = []

    def audit_in_order(actor: object, subject_ids: tuple[str, str]) -> Callable[[], None]:
        def work() -> None:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    # Deadlock detection runs after deadlock_timeout (1 s by default); a
                    # wait that no deadlock explains fails here instead of hanging.
                    cursor.execute("SET LOCAL lock_timeout = '20s'")
                for step, subject_id in enumerate(subject_ids):
                    audit_record(
                        actor=actor,
                        action="matter.step",
                        subject_type="matter",
                        subject_id=subject_id,
                    )
                    if step == 0:
                        both_hold_one.wait()

        return work

    threads = [
        _in_thread(audit_in_order(city.judge, (first, second)), errors),
        _in_thread(audit_in_order(city.admin, (second, first)), errors),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert AuditEntry.objects.count() == 4
    # Each transaction's rows share one chain: the shard of its first row.
    shards = {
        actor.pk: set(AuditEntry.objects.filter(actor_id=actor.pk).values_list("shard", flat=True))
        for actor in (city.judge, city.admin)
    }
    assert shards == {
        city.judge.pk: {shard_for("matter", first, SHARDS)},
        city.admin.pk: {shard_for("matter", second, SHARDS)},
    }
    assert verify_log().intact
