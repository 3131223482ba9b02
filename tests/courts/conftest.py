"""People for the courts tests: a platform admin and a registrar of a court (an outsider to
catalogue administration, who must be refused and change nothing)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest

from zhengfa.audit.models import AuditEntry
from zhengfa.courts.models import Cause, CauseCatalogue
from zhengfa.org.models import Region, RegionLevel, Unit, UnitKind, User
from zhengfa.org.roles import Role

if TYPE_CHECKING:
    from tests.courts.world import Courts


@dataclass
class People:
    admin: User
    registrar: User


@pytest.fixture
def people(db: None) -> People:
    Region.objects.create(code="2304", name="鹤岗市", level=RegionLevel.CITY)
    Region.objects.create(code="230403", name="工农区", level=RegionLevel.COUNTY, parent_id="2304")
    court = Unit.objects.create(
        code="230403-FY",
        name="鹤岗市工农区人民法院",
        kind=UnitKind.COURT,
        level=RegionLevel.COUNTY,
        region_id="230403",
        court_code="黑0403",
    )
    admin = User.objects.create(username="courts-admin", role=Role.PLATFORM_ADMIN)
    registrar = User.objects.create(
        username="courts-registrar", role=Role.COURT_REGISTRAR, unit=court
    )
    return People(admin=admin, registrar=registrar)


def db_state() -> tuple[list[tuple[object, ...]], int, int]:
    """Every catalogue's dates, the number of causes and of audit rows."""
    catalogues = list(
        CauseCatalogue.objects.order_by("pk").values_list(
            "pk", "kind", "effective_from", "effective_to", "sha256"
        )
    )
    return catalogues, Cause.objects.count(), AuditEntry.objects.count()


@pytest.fixture
def courts(db: None, settings: Any) -> Iterator[Courts]:
    """The court system; afterwards every clock is replayed through the legal clock and must
    equal what is stored (as in the flow engine's own tests)."""
    from tests.courts.world import build_courts
    from zhengfa.flow import clocks as legal
    from zhengfa.flow.models import Clock
    from zhengfa.flow.notices import MemorySmsBackend

    settings.SMS_BACKEND = "zhengfa.flow.notices.MemorySmsBackend"
    MemorySmsBackend.outbox = []
    yield build_courts()
    for clock in Clock.objects.prefetch_related("events"):
        value = legal.replay(clock, clock.events.all())
        assert (clock.due_on, clock.due_at) == (value.due_on, value.due_at), clock
