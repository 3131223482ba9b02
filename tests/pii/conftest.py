from __future__ import annotations

from tests.courts.conftest import courts  # noqa: F401 - the lifecycle tests' worlds
from tests.disputes.conftest import dc, media_in_tmp  # noqa: F401
from tests.pii.fixtures import city, keys  # noqa: F401 - fixtures
