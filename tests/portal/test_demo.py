"""The demo history: a year of finished applications with a record per item, live ones."""

from __future__ import annotations

from typing import Any

from tests.org.mini_city import MiniCity
from zhengfa.flow.models import Clock, ClockState
from zhengfa.org.demo.hooks import DEMO_BUILDERS
from zhengfa.portal.models import Application, AppStatus, ServiceItem
from zhengfa.portal.selectors import item_record


class Silent:
    def stage(self, label: str, total: int) -> None:
        return None

    def advance(self, amount: int = 1) -> None:
        return None


def test_the_demo_builder_writes_history_and_live_applications(mini_city: MiniCity) -> None:
    counts: dict[str, Any] = DEMO_BUILDERS["portal"].build(2304, Silent())
    done = Application.objects.filter(status=AppStatus.DONE)
    live = Application.objects.exclude(status=AppStatus.DONE)
    assert counts["service_applications"] == done.count() + live.count() > 500
    assert live.exists() and all(
        Clock.objects.filter(matter_id=a.pk, state=ClockState.RUNNING).exists() for a in live
    )
    record = item_record(ServiceItem.objects.get(code="crim-cert"))
    assert record.finished > 0 and record.average is not None
    assert 80 <= (record.share_within or 0) <= 100
    assert not done.filter(within_limit__isnull=True).exists()
