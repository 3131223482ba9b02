"""The demo hook: every demo responsible unit gets the catalogue's targets for last year
and this year, and both years are scored and ranked."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.insight.test_responsibility_scoring import responsible_units
from tests.org.mini_city import MiniCity
from zhengfa.insight.responsibility.demo import build_demo_targets
from zhengfa.insight.responsibility.indicators import CATALOGUE
from zhengfa.insight.responsibility.models import Target, UnitScore
from zhengfa.org.demo.hooks import DEMO_BUILDERS
from zhengfa.org.models import Unit

pytestmark = pytest.mark.django_db


class _Counting:
    def __init__(self) -> None:
        self.advanced = 0

    def stage(self, label: str, total: int) -> None:
        self.total = total

    def advance(self, amount: int = 1) -> None:
        self.advanced += amount


def test_the_hook_is_registered_after_the_domains_that_write_matters() -> None:
    labels = list(DEMO_BUILDERS)
    assert "insight_responsibility" in labels
    assert labels.index("insight_responsibility") > labels.index("police")


def test_demo_units_get_targets_and_scores_for_two_years(mini_city: MiniCity) -> None:
    units = responsible_units(mini_city)
    Unit.objects.filter(pk__in=[u.pk for u in units]).update(is_demo=True)
    progress = _Counting()
    with time_machine.travel(
        datetime(2026, 11, 20, 9, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    ):
        counts = build_demo_targets(7, progress)
    assert counts == {"responsibility targets": 2 * 3 * len(CATALOGUE), "unit scores": 6}
    assert set(Target.objects.values_list("year", flat=True)) == {2025, 2026}
    assert Target.objects.filter(is_demo=True).count() == 2 * 3 * len(CATALOGUE)
    assert progress.advanced == progress.total == 6
    assert set(UnitScore.objects.values_list("as_of", flat=True)) == {
        date(2025, 12, 31),
        date(2026, 11, 20),
    }
