"""Fixtures for the hardening tests: the API world of tests/api with a token per role."""

from __future__ import annotations

import pytest

from tests.api.conftest import World, fast_password_hashing, world  # noqa: F401  (fixtures)
from zhengfa.org.tokens import token_create


@pytest.fixture
def tokens(world: World) -> dict[str, str]:  # noqa: F811
    """``Authorization`` header values, one per role of the world (and the outsider)."""
    return {name: f"Token {token_create(user=user)}" for name, user in world.users.items()}
