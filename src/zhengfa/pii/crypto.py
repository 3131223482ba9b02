"""AES-256-GCM encryption with key ids, keyed hashes (blind indexes) and per-person keys.

Master keys come from ``ZHENGFA_PII_KEYS="k2:<base64>,k1:<base64>"``: the first key
encrypts, every listed key decrypts, and each ciphertext names the key that made it, so
keys rotate without a flag day. A ciphertext is a text token ``zf1:<key id>:<base64url>``
(12-byte nonce, then ciphertext and tag). The *context* (e.g. ``pii.person.phone``) is
authenticated but not stored: a token copied into another column does not decrypt.

Blind indexes are HMAC-SHA256 under ``ZHENGFA_PII_HASH_KEY`` over a normalised value,
with the kind of value as a domain separator, so equal ID numbers hash equal and an ID
number never collides with a phone number.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from zhengfa.pii.keyfiles import KEY_BYTES, configured_or_dev, decode_key, random_key_b64

TOKEN_PREFIX = "zf1"  # noqa: S105 - a format tag, not a secret
NONCE_BYTES = 12
_KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,16}$")


class DecryptionError(ValueError):
    """A token is malformed, names an unknown key, or fails authentication."""


@dataclass(frozen=True)
class Keyring:
    current_id: str
    keys: dict[str, bytes]

    def key(self, key_id: str) -> bytes:
        try:
            return self.keys[key_id]
        except KeyError:
            raise DecryptionError(
                f"ciphertext was made with key {key_id!r}, which is not in ZHENGFA_PII_KEYS"
            ) from None


def parse_keyring(raw: str) -> Keyring:
    """``"k2:<base64>,k1:<base64>"`` -> a keyring whose first key is current."""
    keys: dict[str, bytes] = {}
    for item in (part.strip() for part in raw.split(",")):
        key_id, sep, encoded = item.partition(":")
        if not sep or not _KEY_ID.match(key_id):
            raise ImproperlyConfigured(
                "ZHENGFA_PII_KEYS: expected 'id:base64key' items separated by commas, "
                f"ids of 1-16 letters, digits, '-' or '_' (got an item starting {item[:6]!r})"
            )
        if key_id in keys:
            raise ImproperlyConfigured(f"ZHENGFA_PII_KEYS: key id {key_id!r} is listed twice")
        keys[key_id] = decode_key(f"ZHENGFA_PII_KEYS[{key_id}]", encoded)[:KEY_BYTES]
    return Keyring(current_id=next(iter(keys)), keys=keys)


def keyring() -> Keyring:
    raw = configured_or_dev(
        "ZHENGFA_PII_KEYS", settings.ZHENGFA_PII_KEYS, f"dev1:{random_key_b64()}"
    )
    return _parsed_keyring(raw)


@lru_cache(maxsize=8)
def _parsed_keyring(raw: str) -> Keyring:
    return parse_keyring(raw)


def hash_key() -> bytes:
    raw = configured_or_dev("ZHENGFA_PII_HASH_KEY", settings.ZHENGFA_PII_HASH_KEY, random_key_b64())
    return _decoded("ZHENGFA_PII_HASH_KEY", raw)


@lru_cache(maxsize=8)
def _decoded(name: str, raw: str) -> bytes:
    return decode_key(name, raw)


# --- sealing with a raw key -------------------------------------------------------------


def seal(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    nonce = secrets.token_bytes(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def unseal(key: bytes, sealed: bytes, aad: bytes) -> bytes:
    try:
        return AESGCM(key).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], aad)
    except InvalidTag as exc:
        raise DecryptionError("ciphertext failed authentication (wrong key or context)") from exc


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except ValueError as exc:
        raise DecryptionError("ciphertext is not valid base64url") from exc


# --- master-key tokens ------------------------------------------------------------------


def _aad(key_id: str, context: str) -> bytes:
    return f"{TOKEN_PREFIX}\x00{key_id}\x00{context}".encode()


def encrypt(plaintext: str, *, context: str) -> str:
    """Encrypt under the current master key; the token names the key."""
    ring = keyring()
    sealed = seal(ring.keys[ring.current_id], plaintext.encode(), _aad(ring.current_id, context))
    return f"{TOKEN_PREFIX}:{ring.current_id}:{_b64(sealed)}"


def decrypt(token: str, *, context: str) -> str:
    key_id, body = split_token(token)
    return unseal(keyring().key(key_id), _unb64(body), _aad(key_id, context)).decode()


def split_token(token: str) -> tuple[str, str]:
    prefix, key_id, body = (token.split(":", 2) + ["", ""])[:3]
    if prefix != TOKEN_PREFIX or not key_id or not body:
        raise DecryptionError(f"not a {TOKEN_PREFIX}:<key id>:<data> ciphertext")
    return key_id, body


def is_token(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        split_token(value)
    except DecryptionError:
        return False
    return True


def key_id_of(token: str) -> str:
    return split_token(token)[0]


# --- per-person data keys (envelope encryption) ------------------------------------------

DATA_KEY_CONTEXT = "pii.person.data_key"


def data_key_new() -> tuple[bytes, str]:
    """A fresh per-person key and its wrapped form (encrypted under the master key)."""
    key = secrets.token_bytes(KEY_BYTES)
    return key, encrypt(base64.b64encode(key).decode(), context=DATA_KEY_CONTEXT)


def data_key_unwrap(wrapped: str) -> bytes:
    return base64.b64decode(decrypt(wrapped, context=DATA_KEY_CONTEXT))


def data_key_rewrap(wrapped: str) -> str:
    """The same data key, wrapped under the current master key."""
    key = data_key_unwrap(wrapped)
    return encrypt(base64.b64encode(key).decode(), context=DATA_KEY_CONTEXT)


def seal_with_data_key(key: bytes, plaintext: str, *, context: str) -> str:
    return _b64(seal(key, plaintext.encode(), context.encode()))


def unseal_with_data_key(key: bytes, token: str, *, context: str) -> str:
    return unseal(key, _unb64(token), context.encode()).decode()


# --- blind indexes -----------------------------------------------------------------------


def blind_index(kind: str, normalised: str) -> str:
    """HMAC-SHA256 of an already normalised value; ``kind`` separates the domains."""
    message = f"{kind}\x00{normalised}".encode()
    return hmac.new(hash_key(), message, hashlib.sha256).hexdigest()
