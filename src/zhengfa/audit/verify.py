"""Checking every chain and checkpoint, naming the first broken link of each shard.

One pass over the rows in (shard, seq) order, so memory stays flat whatever the size
of the log; only the checkpoints' claims (a few per shard per checkpoint) are held.
"""

from __future__ import annotations

import hmac
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from zhengfa.audit.chain import HASHED_FIELDS, row_hash_of
from zhengfa.audit.checkpoints import audit_key, key_fingerprint, signature_for
from zhengfa.audit.models import GENESIS_HASH, AuditEntry, Checkpoint, ShardHead

ROW_FIELDS = (*HASHED_FIELDS, "created_at", "row_hash")
CHUNK = 5000


@dataclass(frozen=True)
class Break:
    """The first thing wrong in one shard (or in the checkpoints: ``shard`` is None)."""

    shard: int | None
    seq: int | None
    problem: str
    detail: str

    def __str__(self) -> str:
        where = "checkpoints" if self.shard is None else f"shard {self.shard}"
        at = f" seq {self.seq}" if self.seq is not None else ""
        return f"{where}{at}: {self.problem} — {self.detail}"


@dataclass
class Report:
    rows: int = 0
    shards: int = 0
    checkpoints: int = 0
    breaks: list[Break] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.breaks

    def as_dict(self) -> dict[str, Any]:
        return {
            "intact": self.intact,
            "rows": self.rows,
            "shards": self.shards,
            "checkpoints": self.checkpoints,
            "breaks": [asdict(b) for b in self.breaks],
        }


# Claims signed by valid checkpoints: shard -> seq -> (row hash, checkpoint number).
Claims = dict[int, dict[int, tuple[str, int]]]


def verify_log(progress: Callable[[int], None] | None = None) -> Report:
    """Verify checkpoints, then every shard's chain against its head and the claims."""
    report = Report()
    claims = _verify_checkpoints(report)
    heads = {h.shard: (h.seq, h.row_hash) for h in ShardHead.objects.all()}
    seen: set[int] = set()
    for shard, rows in _rows_by_shard(progress):
        seen.add(shard)
        _verify_shard(report, shard, rows, heads.get(shard), claims.get(shard, {}))
    for shard in sorted((set(heads) | set(claims)) - seen):
        _verify_shard(report, shard, iter(()), heads.get(shard), claims.get(shard, {}))
    report.shards = len(seen | set(heads) | set(claims))
    return report


def _verify_checkpoints(report: Report) -> Claims:
    key = audit_key()
    fingerprint = key_fingerprint(key)
    claims: Claims = defaultdict(dict)
    previous = GENESIS_HASH
    for expected, checkpoint in enumerate(Checkpoint.objects.order_by("number"), start=1):
        report.checkpoints += 1
        problem = _checkpoint_problem(checkpoint, expected, previous, key, fingerprint)
        previous = checkpoint.signature
        if problem:
            report.breaks.append(Break(None, checkpoint.number, *problem))
            continue
        for shard, (seq, row_hash) in checkpoint.heads.items():
            claims[shard][seq] = (row_hash, checkpoint.number)
    return claims


def _checkpoint_problem(
    checkpoint: Checkpoint, expected: int, previous: str, key: bytes, fingerprint: str
) -> tuple[str, str] | None:
    if checkpoint.number != expected:
        return "checkpoint missing", f"checkpoint {expected} is gone (next is {checkpoint.number})"
    if checkpoint.prev_signature != previous:
        return "checkpoint chain broken", "does not link to the previous checkpoint's signature"
    if checkpoint.key_fingerprint != fingerprint:
        return (
            "checkpoint key unknown",
            f"signed with key {checkpoint.key_fingerprint}, ZHENGFA_AUDIT_KEY is {fingerprint}",
        )
    if not hmac.compare_digest(checkpoint.signature, signature_for(checkpoint, key)):
        return "checkpoint forged", "the HMAC signature does not match its content"
    return None


def _rows_by_shard(
    progress: Callable[[int], None] | None,
) -> Iterator[tuple[int, Iterator[dict[str, Any]]]]:
    rows = AuditEntry.objects.order_by("shard", "seq").values(*ROW_FIELDS).iterator(CHUNK)
    pending: dict[str, Any] | None = next(rows, None)
    counted = 0

    def one_shard(shard: int) -> Iterator[dict[str, Any]]:
        nonlocal pending, counted
        while pending is not None and pending["shard"] == shard:
            yield pending
            counted += 1
            if progress and counted % 1000 == 0:
                progress(1000)
            pending = next(rows, None)

    while pending is not None:
        shard = pending["shard"]
        shard_rows = one_shard(shard)
        yield shard, shard_rows
        for _ in shard_rows:  # drain what the checker left after a break
            pass
    if progress:
        progress(counted % 1000)


def _verify_shard(
    report: Report,
    shard: int,
    rows: Iterator[dict[str, Any]],
    head: tuple[int, str] | None,
    claims: dict[int, tuple[str, int]],
) -> None:
    last_seq, last_hash = 0, GENESIS_HASH
    for row in rows:
        report.rows += 1
        problem = _row_problem(row, last_seq, last_hash, claims)
        if problem:
            report.breaks.append(Break(shard, row["seq"], *problem))
            report.rows += sum(1 for _ in rows)
            return
        last_seq, last_hash = row["seq"], row["row_hash"]
    tail = _tail_problem(last_seq, last_hash, head, claims)
    if tail:
        report.breaks.append(Break(shard, last_seq + 1, *tail))


def _row_problem(
    row: dict[str, Any], last_seq: int, last_hash: str, claims: dict[int, tuple[str, int]]
) -> tuple[str, str] | None:
    seq = row["seq"]
    if seq != last_seq + 1:
        return "rows missing", f"seq {last_seq + 1}..{seq - 1} are gone before seq {seq}"
    if row["prev_hash"] != last_hash:
        return "broken link", f"prev_hash does not match the hash of seq {last_seq}"
    if row_hash_of(row) != row["row_hash"]:
        return "row edited", "the content no longer matches its row_hash"
    claim = claims.get(seq)
    if claim and not hmac.compare_digest(claim[0], row["row_hash"]):
        return (
            "chain rewritten",
            f"checkpoint {claim[1]} signed a different hash here: this row or one before it "
            "was rewritten and the chain re-hashed",
        )
    return None


def _tail_problem(
    last_seq: int, last_hash: str, head: tuple[int, str] | None, claims: dict[int, tuple[str, int]]
) -> tuple[str, str] | None:
    beyond = [(seq, number) for seq, (_, number) in claims.items() if seq > last_seq]
    if beyond:
        seq, number = max(beyond)
        return "tail truncated", f"checkpoint {number} signed seq {seq}, chain ends at {last_seq}"
    if head is None:
        return ("head missing", "rows exist but the shard has no head") if last_seq else None
    if head != (last_seq, last_hash):
        return "head mismatch", f"head says seq {head[0]}, chain ends at seq {last_seq}"
    return None
