"""Model fields for personal data: ciphertext columns and keyed-hash columns.

An ``EncryptedTextField`` holds a ``zf1:`` token in Python and in the database; it
refuses to save anything else, so clear text cannot reach the table by mistake. Write
it with ``pii.crypto.encrypt(value, context=field.context)`` (services do this) and read
it through ``pii.services.reveal``, which checks the role and writes the audit row.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from zhengfa.pii.crypto import is_token


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    audit_redact = True

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value not in (None, "") and not is_token(value):
            raise ValueError(
                f"{self.model.__name__}.{self.name} stores ciphertext only: encrypt it with "
                f"zhengfa.pii.crypto.encrypt(value, context={self.context!r})"
            )
        return value

    @property
    def context(self) -> str:
        """What the ciphertext is bound to: ``pii.<model>.<field>``."""
        return f"pii.{self.model._meta.model_name}.{self.name}"


class BlindIndexField(models.CharField):  # type: ignore[type-arg]
    """HMAC-SHA256 hex of a normalised value, for exact-match lookup (``pii.crypto``)."""

    audit_redact = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("db_index", True)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)
