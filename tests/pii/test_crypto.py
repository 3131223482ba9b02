from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from tests.pii.fixtures import PII_KEY_1, PII_KEY_2, City
from zhengfa.pii import crypto
from zhengfa.pii.models import Person


def test_round_trip_and_the_token_names_its_key() -> None:
    token = crypto.encrypt("黑龙江省鹤岗市向阳区红旗路12号", context="pii.person.address")
    assert token.startswith("zf1:k1:")
    assert "红旗路" not in token
    assert crypto.decrypt(token, context="pii.person.address") == "黑龙江省鹤岗市向阳区红旗路12号"


def test_same_value_encrypts_differently_each_time() -> None:
    assert crypto.encrypt("x", context="c") != crypto.encrypt("x", context="c")


def test_ciphertext_moved_to_another_column_does_not_decrypt() -> None:
    token = crypto.encrypt("13812345678", context="pii.person.phone")
    with pytest.raises(crypto.DecryptionError, match="authentication"):
        crypto.decrypt(token, context="pii.person.address")


def test_tampered_ciphertext_is_refused() -> None:
    token = crypto.encrypt("13812345678", context="c")
    flipped = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(flipped, context="c")


def test_rotation_old_key_still_decrypts_new_writes_use_new_key(settings: Any) -> None:
    old_token = crypto.encrypt("230402199001011237", context="c")
    settings.ZHENGFA_PII_KEYS = f"k2:{PII_KEY_2},k1:{PII_KEY_1}"
    new_token = crypto.encrypt("230402199001011237", context="c")
    assert crypto.key_id_of(old_token) == "k1" and crypto.key_id_of(new_token) == "k2"
    assert crypto.decrypt(old_token, context="c") == crypto.decrypt(new_token, context="c")
    settings.ZHENGFA_PII_KEYS = f"k2:{PII_KEY_2}"
    with pytest.raises(crypto.DecryptionError, match="key 'k1'.*not in ZHENGFA_PII_KEYS"):
        crypto.decrypt(old_token, context="c")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("nokey", "expected 'id:base64key'"),
        ("k1:not base64!", "base64"),
        ("k1:YWJj", "3 bytes, expected 32"),
        (f"k1:{PII_KEY_1},k1:{PII_KEY_2}", "listed twice"),
    ],
)
def test_bad_keyring_is_refused_naming_the_variable(raw: str, message: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=message):
        crypto.parse_keyring(raw)


def test_blind_index_matches_after_normalisation_and_separates_kinds() -> None:
    assert crypto.blind_index("id_number", "11010519491231002X") == crypto.blind_index(
        "id_number", "11010519491231002X"
    )
    assert crypto.blind_index("id_number", "13812345678") != crypto.blind_index(
        "phone", "13812345678"
    )


def test_blind_index_depends_on_the_hash_key(settings: Any) -> None:
    before = crypto.blind_index("phone", "13812345678")
    settings.ZHENGFA_PII_HASH_KEY = PII_KEY_2
    assert crypto.blind_index("phone", "13812345678") != before


def test_dev_keys_are_generated_once_and_refused_in_production(
    settings: Any, tmp_path: Path
) -> None:
    settings.ZHENGFA_PII_KEYS = None
    settings.ZHENGFA_PII_HASH_KEY = None
    token = crypto.encrypt("x", context="c")
    assert crypto.key_id_of(token) == "dev1"
    assert crypto.decrypt(token, context="c") == "x"  # the same key, read back from var/keys
    assert (tmp_path / "keys" / "zhengfa_pii_keys.txt").stat().st_mode & 0o077 == 0
    settings.PRODUCTION = True
    with pytest.raises(ImproperlyConfigured, match="ZHENGFA_PII_KEYS must be set"):
        crypto.encrypt("x", context="c")
    with pytest.raises(ImproperlyConfigured, match="ZHENGFA_PII_HASH_KEY must be set"):
        crypto.blind_index("phone", "13812345678")


def test_encrypted_field_refuses_clear_text(city: City) -> None:
    person = Person(name="张三", name_masked="张*")
    with pytest.raises(ValueError, match="stores ciphertext only"), transaction.atomic():
        person.save()
    assert Person.objects.count() == 0


def test_system_check_names_missing_and_malformed_secrets(settings: Any) -> None:
    from zhengfa.pii.checks import check_secrets

    assert check_secrets() == []
    settings.ZHENGFA_PII_HASH_KEY = "short"
    settings.PRODUCTION = True
    settings.ZHENGFA_AUDIT_KEY = None
    messages = {(m.id, m.msg.split(":")[0].split(" ")[0]) for m in check_secrets()}
    assert messages == {("pii.E002", "ZHENGFA_PII_HASH_KEY"), ("pii.E001", "ZHENGFA_AUDIT_KEY")}
