from __future__ import annotations

from tests.pii.fixtures import city, keys  # noqa: F401 - fixtures
