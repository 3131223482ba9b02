from __future__ import annotations

from tests.hazards.conftest import hz  # noqa: F401 - fixture: a campaign with photos
from tests.pii.fixtures import keys  # noqa: F401 - fixed keys, private var/
