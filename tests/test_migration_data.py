"""What data migrations load survives the flush that ends every transactional test."""

from __future__ import annotations

import pytest

from zhengfa.courts.models import CauseCatalogue


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_sees_the_migration_data() -> None:
    assert CauseCatalogue.objects.count() > 0


@pytest.mark.django_db(transaction=True)
def test_the_next_transactional_test_still_sees_it_after_the_flush() -> None:
    assert CauseCatalogue.objects.count() > 0
