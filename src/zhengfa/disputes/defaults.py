"""The starting categories, level limits and routing rules (migration 0002), put back
when the tables are empty — after a test database flush, or before the demo history."""

from __future__ import annotations

import importlib

from django.apps import apps
from django.db import transaction

from zhengfa.disputes.models import DisputeCategory

_SEED = "zhengfa.disputes.migrations.0002_default_categories_limits_rules"


def defaults_ensure() -> bool:
    """Load the defaults if no category exists; True when it loaded them."""
    if DisputeCategory.objects.exists():
        return False
    with transaction.atomic():
        importlib.import_module(_SEED).forwards(apps, None)
    return True
