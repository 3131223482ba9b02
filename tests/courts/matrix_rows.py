"""The courts endpoints' rows for the role × endpoint matrix (tests/api/test_matrix.py).

Case numbers and cause catalogues are public reference data for signed-in users: an
anonymous caller gets 401; every role, the away outsider included, gets the same answer.
"""

from __future__ import annotations

from typing import Any

from django.test import Client

QUERIES: dict[str, dict[str, str]] = {
    "/api/v1/courts/case-numbers/parse": {"text": "（2025）黑0402民初17号"},
    "/api/v1/courts/causes": {"kind": "administrative", "on": "2025-06-01"},
}
OPERATIONS = tuple(QUERIES)


def check(world: Any, path: str) -> None:
    query = QUERIES[path]
    assert Client().get(path, query).status_code == 401
    answers = set()
    for role in world.users:
        response = world.client_for(role).get(path, query)
        assert response.status_code == 200, (role, response.content[:200])
        answers.add(response.content)
    assert len(answers) == 1  # no role, and no outsider, sees anything different
