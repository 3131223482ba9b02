"""Personal data inside audit rows: sealed under the person's own key, or the master key.

A row about a known person holds ``zfp1:<base64url>`` sealed with that person's data key
(context ``audit.personal:<person id>``); erasing the key (``person_erase_key``) makes it
unreadable while the row, and so the hash chain, stays byte-for-byte the same. Personal
data not tied to a known person (e.g. the name typed at a failed login) is sealed under
the master key like any other encrypted column.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from zhengfa.pii import crypto

if TYPE_CHECKING:
    from zhengfa.pii.models import Person

PERSON_PREFIX = "zfp1:"
MASTER_CONTEXT = "audit.personal"


class PersonalDataErased(LookupError):
    """The person's data key was erased: their personal data can no longer be read."""


def _person_context(person_ref: int) -> str:
    return f"{MASTER_CONTEXT}:{person_ref}"


def seal_personal(values: dict[str, str], person: Person | None) -> str:
    text = json.dumps(values, sort_keys=True, ensure_ascii=False)
    if person is None:
        return crypto.encrypt(text, context=MASTER_CONTEXT)
    if person.pk is None:
        raise ValueError("save the person before sealing data under their key")
    sealed = crypto.seal_with_data_key(person.data_key(), text, context=_person_context(person.pk))
    return PERSON_PREFIX + sealed


def open_personal(token: str, person: Person | None) -> dict[str, str]:
    """The clear values, or PersonalDataErased when the person's key is gone."""
    if not token.startswith(PERSON_PREFIX):
        text = crypto.decrypt(token, context=MASTER_CONTEXT)
    elif person is None:
        raise PersonalDataErased("the person this data belongs to no longer exists")
    else:
        text = crypto.unseal_with_data_key(
            person.data_key(), token.removeprefix(PERSON_PREFIX), context=_person_context(person.pk)
        )
    values: dict[str, str] = json.loads(text)
    return values
