"""Secrets from the environment, with a development fallback kept under ``var/keys/``.

Production (``ZHENGFA_PRODUCTION=1``) refuses to start an operation that needs a secret
which is not set: a generated key on one server's disk would silently make data
unreadable on the next. In development a key is generated once, so ``make run`` needs
no set-up and data written yesterday is still readable today.
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

KEY_BYTES = 32


def decode_key(name: str, raw: str, *, min_bytes: int = KEY_BYTES) -> bytes:
    """A base64 key of at least ``min_bytes`` bytes, or an error naming the variable."""
    try:
        key = base64.b64decode(raw.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ImproperlyConfigured(
            f"{name}: expected standard base64 of {min_bytes} random bytes "
            "(make one with `openssl rand -base64 32`)"
        ) from exc
    if len(key) < min_bytes:
        raise ImproperlyConfigured(f"{name}: the key is {len(key)} bytes, expected {min_bytes}")
    return key


def configured_or_dev(name: str, configured: str | None, dev_default: str) -> str:
    """The configured value, or (development only) a value generated once into var/keys/."""
    if configured:
        return configured
    if getattr(settings, "PRODUCTION", False):
        raise ImproperlyConfigured(f"{name} must be set when ZHENGFA_PRODUCTION=1")
    return _dev_key_file(name, dev_default)


def _dev_key_file(name: str, dev_default: str) -> str:
    path = Path(settings.VAR_DIR) / "keys" / f"{name.lower()}.txt"
    if not path.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # Write aside, then link into place: when two processes start at once exactly one
        # key wins and nobody ever reads a half-written file.
        draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        draft.write_text(dev_default + "\n", encoding="utf-8")
        draft.chmod(0o600)
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text(encoding="utf-8").strip()


def random_key_b64() -> str:
    return base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode()
