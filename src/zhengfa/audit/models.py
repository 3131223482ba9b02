"""The audit log: sharded hash chains of append-only rows, and signed checkpoints.

Each row belongs to one shard (chosen from its subject) and carries its place in that
shard's chain (``seq``), the previous row's hash and its own hash. ``ShardHead`` holds
each shard's latest (seq, hash); appending locks that one head row, so writers on
different shards never wait for each other. ``Checkpoint`` rows sign every shard's head
with an HMAC key the database does not hold. See docs/adr/0001-audit-chain.md.
"""

from __future__ import annotations

import json
from typing import Any, TypeVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengfa.audit.chain import row_hash

GENESIS_HASH = "0" * 64


class AppendOnlyError(RuntimeError):
    """Audit rows and checkpoints are never changed or removed."""


M = TypeVar("M", bound=models.Model)


class AppendOnlyQuerySet(models.QuerySet[M]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only: update refused")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only: delete refused")

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> int:
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only: update refused")

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[M]:
        # Rows enter one at a time through their service, which links them into a chain.
        raise AppendOnlyError(f"{self.model.__name__} rows are written one by one by a service")


class AppendOnlyModel(models.Model):
    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows are append-only: update refused")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{type(self).__name__} rows are append-only: delete refused")


class ShardHead(models.Model):
    """The latest link of one shard's chain; its row lock serialises that shard's writers."""

    shard = models.PositiveIntegerField(primary_key=True)
    seq = models.PositiveBigIntegerField(default=0)
    row_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    def __str__(self) -> str:
        return f"shard {self.shard} @ {self.seq}"


class AuditEntry(AppendOnlyModel):
    """One audited event. Ids and labels are copied so the row outlives its subject."""

    shard = models.PositiveIntegerField(_("分片 shard"))
    seq = models.PositiveBigIntegerField(_("序号 sequence"))
    created_at = models.DateTimeField(_("时间 time"))
    actor_id = models.BigIntegerField(_("操作人 actor id"), null=True, blank=True)
    actor_label = models.CharField(_("操作人 actor"), max_length=160, blank=True)
    actor_role = models.CharField(_("角色 role"), max_length=32, blank=True)
    action = models.CharField(_("动作 action"), max_length=64)
    subject_type = models.CharField(_("对象类型 subject type"), max_length=64, blank=True)
    subject_id = models.CharField(_("对象编号 subject id"), max_length=64, blank=True)
    subject_label = models.CharField(_("对象 subject"), max_length=200, blank=True)
    # Canonical JSON text, exactly the bytes the row hash covers (a JSON column would
    # let the database re-serialise them).
    old_json = models.TextField(_("原值 old values"), default="{}")
    new_json = models.TextField(_("新值 new values"), default="{}")
    reason = models.TextField(_("理由 reason"), blank=True)
    # Personal data, never in clear: sealed under the person's key (person_ref set) or
    # under the master key. Erasing the person's key leaves this unreadable, hash intact.
    person_ref = models.BigIntegerField(_("个人 person id"), null=True, blank=True)
    personal = models.TextField(_("个人信息密文 sealed personal data"), blank=True)
    prev_hash = models.CharField(max_length=64)
    row_hash = models.CharField(max_length=64)

    objects = AppendOnlyQuerySet["AuditEntry"].as_manager()

    class Meta:
        verbose_name = _("审计记录 audit entry")
        verbose_name_plural = _("审计记录 audit entries")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["shard", "seq"], name="audit_entry_shard_seq_unique")
        ]
        indexes = [
            models.Index(fields=["subject_type", "subject_id"], name="audit_entry_subject_idx"),
            models.Index(fields=["actor_id", "created_at"], name="audit_entry_actor_idx"),
            # Few rows name a person (erasure looks them up); a partial index spares every
            # other audited change one index write.
            models.Index(
                fields=["person_ref"],
                name="audit_entry_person_idx",
                condition=models.Q(person_ref__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.subject_type}:{self.subject_id} ({self.shard}/{self.seq})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._state.adding and self.row_hash != row_hash(self):
            raise AppendOnlyError("write audit rows with zhengfa.audit.services.audit_record")
        super().save(*args, **kwargs)

    @property
    def old(self) -> dict[str, Any]:
        value: dict[str, Any] = json.loads(self.old_json)
        return value

    @property
    def new(self) -> dict[str, Any]:
        value: dict[str, Any] = json.loads(self.new_json)
        return value


class Checkpoint(AppendOnlyModel):
    """A signed statement of every shard's head at one moment; checkpoints chain too."""

    number = models.PositiveBigIntegerField(_("编号 number"), unique=True)
    created_at = models.DateTimeField(_("时间 time"))
    heads_json = models.TextField(_("各分片链头 shard heads"))
    prev_signature = models.CharField(max_length=64)
    key_fingerprint = models.CharField(max_length=16)
    signature = models.CharField(max_length=64)

    objects = AppendOnlyQuerySet["Checkpoint"].as_manager()

    class Meta:
        verbose_name = _("签名检查点 signed checkpoint")
        verbose_name_plural = _("签名检查点 signed checkpoints")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"checkpoint {self.number}"

    @property
    def heads(self) -> dict[int, tuple[int, str]]:
        raw: dict[str, list[Any]] = json.loads(self.heads_json)
        return {int(shard): (int(seq), str(row_hash)) for shard, (seq, row_hash) in raw.items()}
