"""Shared fixtures. Tests needing PostgreSQL or a browser run once, on PostgreSQL."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.conf import settings

if TYPE_CHECKING:
    from tests.org.mini_city import MiniCity

pytest_plugins = ["tests.browser"]  # the ``browser`` fixture and its helpers


def _on_postgres() -> bool:
    return "postgresql" in str(settings.DATABASES["default"]["ENGINE"])


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    _restore_migration_data_for_transactional_tests(items)
    if _on_postgres():
        return
    skip = pytest.mark.skip(reason="runs once, in the PostgreSQL pass of `make test`")
    for item in items:
        if any(item.get_closest_marker(m) for m in ("postgres_only", "browser", "slow")):
            item.add_marker(skip)


def _restore_migration_data_for_transactional_tests(items: list[pytest.Item]) -> None:
    """Transactional tests (live server, several processes) end with a flush of every table,
    which would also wipe what data migrations load (cause catalogues, the service
    catalogue, dispute categories, hazard themes). Serialized rollback restores it before
    each such test, so their order does not matter."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is not None:
            if marker.kwargs.get("transaction") and "serialized_rollback" not in marker.kwargs:
                kwargs = {**marker.kwargs, "serialized_rollback": True}
                item.add_marker(pytest.mark.django_db(*marker.args, **kwargs), append=False)
            continue
        names: list[str] = getattr(item, "fixturenames", [])
        transactional = "live_server" in names or "transactional_db" in names
        if transactional and "django_db_serialized_rollback" not in names:
            names.append("django_db_serialized_rollback")


@pytest.fixture
def mini_city(db: None) -> MiniCity:
    """Two counties of 鹤岗 with a user per role in 230402 and outsiders in 230403
    (see tests/org/mini_city.py)."""
    from tests.org.mini_city import build_mini_city  # models load after Django is set up

    return build_mini_city()
