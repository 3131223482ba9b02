"""Models of the web layer: the stored answers of idempotent requests."""

from __future__ import annotations

from django.db import models


class IdempotentResponse(models.Model):
    """The answer given to one acknowledged write, kept so a retry gets the same answer.

    Written in the same transaction as the write itself (``zhengfa.web.idempotency``):
    either both exist or neither does.
    """

    owner = models.CharField(max_length=80, help_text="who sent it: user, token or anonymous")
    key = models.CharField(max_length=200, help_text="the client's Idempotency-Key header")
    fingerprint = models.CharField(max_length=64, help_text="sha256 of method, path and body")
    status = models.PositiveSmallIntegerField()
    content_type = models.CharField(max_length=100)
    body = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "key"], name="idempotency_owner_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.owner} {self.key} → {self.status}"


class LoginThrottle(models.Model):
    """Failed sign-ins counted for one key in a window (``zhengfa.web.throttle``).

    A key is a keyed hash of either a (username, client address) pair or a client address
    alone, so neither the address nor the name is stored in clear.
    """

    key = models.CharField(max_length=64, unique=True)
    failures = models.PositiveIntegerField(default=0)
    window_start = models.DateTimeField()
    locked_until = models.DateTimeField(null=True, blank=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.key[:12]}… {self.failures} failures"
