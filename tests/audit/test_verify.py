"""Tampering behind the application's back with raw SQL; ``audit verify`` must catch each."""

from __future__ import annotations

import base64
import json
import os
import signal
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from tests.pii.fixtures import City, behind_the_back
from zhengfa.audit.chain import row_hash_of, shard_for
from zhengfa.audit.checkpoints import audit_key, checkpoint_write
from zhengfa.audit.models import GENESIS_HASH, AuditEntry, Checkpoint, ShardHead
from zhengfa.audit.services import audit_record
from zhengfa.audit.verify import ROW_FIELDS, Break, verify_log
from zhengfa.cli import main as cli_main


def _two_subjects_on_two_shards() -> tuple[str, str]:
    """Subject ids fixed by name, not by database ids (sequences differ between runs)."""
    first = "m0"
    second = next(
        f"m{n}"
        for n in range(1, 100)
        if shard_for("matter", f"m{n}", 8) != shard_for("matter", first, 8)
    )
    return first, second


FIRST, SECOND = _two_subjects_on_two_shards()


def _fill(city: City, rows_per_subject: int = 4) -> int:
    """Rows about two subjects on two shards; returns the first subject's shard. One
    transaction per row: a transaction's rows all go to the shard of its first row."""
    for i in range(rows_per_subject):
        for actor, subject_id in ((city.judge, FIRST), (city.admin, SECOND)):
            with transaction.atomic():
                audit_record(
                    actor=actor,
                    action="matter.step",
                    subject_type="matter",
                    subject_id=subject_id,
                    new={"i": i},
                )
    return shard_for("matter", FIRST, 8)


def _only_break() -> Break:
    report = verify_log()
    assert not report.intact
    assert len(report.breaks) == 1, report.breaks
    return report.breaks[0]


def test_intact_log_verifies_and_the_command_exits_0(city: City) -> None:
    _fill(city)
    checkpoint_write()
    report = verify_log()
    assert report.intact and report.rows == 8 and report.checkpoints == 1
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert "intact: rows 8, shards 2, checkpoints 1" in out.getvalue()
    assert cli_main(["audit", "verify", "--json"]) == 0


def test_edited_row_is_named(city: City) -> None:
    shard = _fill(city)
    behind_the_back(
        "UPDATE audit_auditentry SET new_json = %s WHERE shard = %s AND seq = 2",
        ['{"i":99}', shard],
    )
    broken = _only_break()
    assert (broken.shard, broken.seq, broken.problem) == (shard, 2, "row edited")


def test_edited_row_with_its_own_hash_recomputed_breaks_the_next_link(city: City) -> None:
    shard = _fill(city)
    row = AuditEntry.objects.filter(shard=shard, seq=2).values(*ROW_FIELDS).get()
    row["reason"] = "改写"
    behind_the_back(
        "UPDATE audit_auditentry SET reason = %s, row_hash = %s WHERE shard = %s AND seq = 2",
        ["改写", row_hash_of(row), shard],
    )
    broken = _only_break()
    assert (broken.shard, broken.seq, broken.problem) == (shard, 3, "broken link")


def test_deleted_row_is_named(city: City) -> None:
    shard = _fill(city)
    behind_the_back("DELETE FROM audit_auditentry WHERE shard = %s AND seq = 2", [shard])
    broken = _only_break()
    assert (broken.shard, broken.seq, broken.problem) == (shard, 3, "rows missing")
    assert "seq 2..2 are gone" in broken.detail


def test_truncated_tail_with_head_moved_back_is_caught_by_the_checkpoint(city: City) -> None:
    shard = _fill(city)
    checkpoint_write()
    kept = AuditEntry.objects.get(shard=shard, seq=2)
    behind_the_back("DELETE FROM audit_auditentry WHERE shard = %s AND seq > 2", [shard])
    behind_the_back(
        "UPDATE audit_shardhead SET seq = 2, row_hash = %s WHERE shard = %s",
        [kept.row_hash, shard],
    )
    broken = _only_break()
    assert (broken.shard, broken.problem) == (shard, "tail truncated")
    assert "checkpoint 1 signed seq 4, chain ends at 2" in broken.detail


def test_truncated_tail_without_checkpoint_is_caught_by_the_head(city: City) -> None:
    shard = _fill(city)
    behind_the_back("DELETE FROM audit_auditentry WHERE shard = %s AND seq > 2", [shard])
    broken = _only_break()
    assert (broken.shard, broken.problem) == (shard, "head mismatch")


def test_whole_shard_rehashed_consistently_is_caught_by_the_signed_checkpoint(city: City) -> None:
    shard = _fill(city)
    checkpoint_write()
    _rehash_shard(shard, edit_seq=2)
    broken = _only_break()
    # The checkpoint pinned the head (seq 4): that is where the rewrite becomes provable.
    assert (broken.shard, broken.seq, broken.problem) == (shard, 4, "chain rewritten")
    assert "checkpoint 1" in broken.detail


def test_rehashed_shard_plus_forged_checkpoint_is_caught_by_the_hmac(city: City) -> None:
    shard = _fill(city)
    checkpoint_write()
    new_head = _rehash_shard(shard, edit_seq=2)
    heads = json.loads(Checkpoint.objects.get().heads_json)
    heads[str(shard)] = [4, new_head]
    behind_the_back(
        "UPDATE audit_checkpoint SET heads_json = %s", [json.dumps(heads, separators=(",", ":"))]
    )
    report = verify_log()
    assert [(b.shard, b.problem) for b in report.breaks] == [(None, "checkpoint forged")]


def _rehash_shard(shard: int, edit_seq: int) -> str:
    """Rewrite one row and recompute every hash after it, as an intruder with SQL would."""
    prev = GENESIS_HASH
    for row in AuditEntry.objects.filter(shard=shard).order_by("seq").values(*ROW_FIELDS):
        if row["seq"] == edit_seq:
            row["reason"] = "伪造"
        row["prev_hash"] = prev
        prev = row_hash_of(row)
        behind_the_back(
            "UPDATE audit_auditentry SET reason = %s, prev_hash = %s, row_hash = %s "
            "WHERE shard = %s AND seq = %s",
            [row["reason"], row["prev_hash"], prev, shard, row["seq"]],
        )
    behind_the_back("UPDATE audit_shardhead SET row_hash = %s WHERE shard = %s", [prev, shard])
    return prev


def test_deleted_checkpoint_breaks_the_checkpoint_chain(city: City) -> None:
    _fill(city)
    for _ in range(3):
        checkpoint_write()
    behind_the_back("DELETE FROM audit_checkpoint WHERE number = 2")
    broken = _only_break()
    assert (broken.shard, broken.seq, broken.problem) == (None, 3, "checkpoint missing")


def test_checkpoint_signed_with_another_key_is_named(city: City, settings: object) -> None:
    _fill(city)
    checkpoint_write()
    settings.ZHENGFA_AUDIT_KEY = base64.b64encode(b"b" * 32).decode()  # type: ignore[attr-defined]
    broken = _only_break()
    assert broken.problem == "checkpoint key unknown"


def test_command_exits_1_and_names_the_break(city: City) -> None:
    shard = _fill(city)
    behind_the_back(
        "UPDATE audit_auditentry SET action = 'x' WHERE shard = %s AND seq = 3", [shard]
    )
    out = StringIO()
    with pytest.raises(CommandError, match=f"shard {shard} seq 3: row edited") as failed:
        call_command("audit", "verify", stdout=out)
    assert failed.value.returncode == 1
    assert f"shard {shard} seq 3: row edited" in out.getvalue()
    json_out = StringIO()
    with pytest.raises(CommandError):
        call_command("audit", "verify", "--json", stdout=json_out)
    breaks = json.loads(json_out.getvalue())["breaks"]
    assert breaks == [
        {"shard": shard, "seq": 3, "problem": "row edited", "detail": breaks[0]["detail"]}
    ]


def test_checkpoint_command_signs_every_head(city: City) -> None:
    _fill(city)
    out = StringIO()
    call_command("audit", "checkpoint", stdout=out)
    checkpoint = Checkpoint.objects.get()
    assert set(checkpoint.heads) == set(ShardHead.objects.values_list("shard", flat=True))
    assert "checkpoint 1 " in out.getvalue()


def test_dev_key_is_generated_once_and_refused_in_production(
    city: City, settings: object, tmp_path: Path
) -> None:
    settings.ZHENGFA_AUDIT_KEY = None  # type: ignore[attr-defined]
    first = audit_key()
    assert audit_key() == first
    assert (tmp_path / "keys" / "zhengfa_audit_key.txt").exists()
    settings.PRODUCTION = True  # type: ignore[attr-defined]
    with pytest.raises(ImproperlyConfigured, match="ZHENGFA_AUDIT_KEY must be set"):
        audit_key()
    with pytest.raises(ImproperlyConfigured):
        checkpoint_write()
    assert Checkpoint.objects.count() == 0


def test_truncated_tables_are_caught_by_the_checkpoint(city: City) -> None:
    shard = _fill(city)
    checkpoint_write()
    behind_the_back("DELETE FROM audit_auditentry")
    behind_the_back("DELETE FROM audit_shardhead")
    report = verify_log()
    other_shard = shard_for("matter", SECOND, 8)
    assert {(b.shard, b.problem) for b in report.breaks} == {
        (shard, "tail truncated"),
        (other_shard, "tail truncated"),
    }


def test_rewrite_is_pinned_at_the_earliest_checkpointed_row_after_it(city: City) -> None:
    shard = _fill(city, rows_per_subject=2)
    checkpoint_write()  # signs seq 2 of the court's shard
    _fill(city, rows_per_subject=2)
    checkpoint_write()  # signs seq 4
    _rehash_shard(shard, edit_seq=2)
    broken = _only_break()
    assert (broken.shard, broken.seq, broken.problem) == (shard, 2, "chain rewritten")


class _TerminateOnFirstLine(StringIO):
    """An output that sends this process SIGTERM once the first checkpoint is printed."""

    def write(self, text: str) -> int:
        if not self.getvalue():
            os.kill(os.getpid(), signal.SIGTERM)
        return super().write(text)


def test_checkpoint_every_stops_cleanly_on_sigterm(city: City) -> None:
    _fill(city)
    before = signal.getsignal(signal.SIGTERM)
    call_command("audit", "checkpoint", "--every", "3600", stdout=_TerminateOnFirstLine())
    assert Checkpoint.objects.count() == 1
    assert signal.getsignal(signal.SIGTERM) == before


def test_checkpoint_every_needs_a_positive_interval(city: City) -> None:
    with pytest.raises(CommandError, match="--every") as failed:
        call_command("audit", "checkpoint", "--every", "0")
    assert failed.value.returncode == 2
    assert Checkpoint.objects.count() == 0


TAMPERED_VALUES: dict[str, object] = {
    "shard": 7 if shard_for("matter", "m0", 8) != 7 else 6,
    "seq": 99,
    "created_at": "2020-01-01 00:00:00",
    "actor_id": 999,
    "actor_label": "someone-else",
    "actor_role": "citizen",
    "action": "matter.forged",
    "subject_type": "org.unit",
    "subject_id": "999",
    "subject_label": "伪造",
    "old_json": '{"x":1}',
    "new_json": '{"i":99}',
    "reason": "伪造",
    "person_ref": 999,
    "personal": "zf1:k1:AAAA",
    "prev_hash": "f" * 64,
    "row_hash": "e" * 64,
}


def test_the_tamper_table_names_every_stored_column() -> None:
    assert set(TAMPERED_VALUES) == set(ROW_FIELDS)


@pytest.mark.parametrize("column", sorted(TAMPERED_VALUES))
def test_every_stored_column_is_covered(city: City, column: str) -> None:
    shard = _fill(city)
    value = TAMPERED_VALUES[column]
    if column == "created_at" and connection.vendor == "postgresql":
        value = "2020-01-01 00:00:00+00"
    behind_the_back(
        f"UPDATE audit_auditentry SET {column} = %s WHERE shard = %s AND seq = 2",  # noqa: S608
        [value, shard],
    )
    assert not verify_log().intact


def test_a_malformed_key_is_a_clear_error_with_exit_2(city: City, settings: object) -> None:
    settings.ZHENGFA_AUDIT_KEY = "not-base64!"  # type: ignore[attr-defined]
    with pytest.raises(CommandError, match="ZHENGFA_AUDIT_KEY: expected standard base64") as failed:
        call_command("audit", "checkpoint")
    assert failed.value.returncode == 2
    assert Checkpoint.objects.count() == 0
