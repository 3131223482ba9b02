"""The web tests walk the same two-district world as the API tests."""

from __future__ import annotations

from tests.api.conftest import fast_password_hashing, world

__all__ = ["fast_password_hashing", "world"]
