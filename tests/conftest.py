"""Shared fixtures. Tests needing PostgreSQL or a browser run once, on PostgreSQL."""

from __future__ import annotations

import pytest
from django.conf import settings


def _on_postgres() -> bool:
    return "postgresql" in str(settings.DATABASES["default"]["ENGINE"])


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if _on_postgres():
        return
    skip = pytest.mark.skip(reason="runs once, in the PostgreSQL pass of `make test`")
    for item in items:
        if any(item.get_closest_marker(m) for m in ("postgres_only", "browser", "slow")):
            item.add_marker(skip)
