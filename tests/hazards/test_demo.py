"""The demo history on the mini city: three years of seasonal campaigns, closed hazards in
their seasons, and today's hazards found through the services on live clocks."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta

import pytest
import time_machine

from tests.hazards.conftest import SH, seed_themes_and_limits
from tests.org.mini_city import MiniCity
from zhengfa.flow.clocks import replay
from zhengfa.flow.models import Clock, Warning
from zhengfa.flow.thresholds import OVERDUE
from zhengfa.hazards import demo
from zhengfa.hazards.demo import build_demo_hazards
from zhengfa.hazards.flows import RECTIFY_CLOCK
from zhengfa.hazards.models import Campaign, Hazard, Verification
from zhengfa.org.models import Grid


class _Quiet:
    def stage(self, label: str, total: int) -> None:
        return None

    def advance(self, amount: int = 1) -> None:
        return None


def test_three_years_of_seasonal_campaigns_and_hazards(mini_city: MiniCity) -> None:
    seed_themes_and_limits()
    Grid.objects.update(is_demo=True)
    with time_machine.travel(datetime(2026, 12, 10, 10, tzinfo=SH), tick=False):
        counts = build_demo_hazards(2304, _Quiet())
        open_now = list(Hazard.objects.filter(matter__status="open").select_related("matter"))
    assert counts["campaigns"] == Campaign.objects.count() > 2 * 3 * 5
    assert Campaign.objects.filter(theme__code="fire", starts_on__year=2023).exists()
    closed = Hazard.objects.filter(matter__status="closed", is_demo=True)
    assert closed.count() > 20  # eight grids a county: a few a campaign
    fire_months = Counter(
        h.found_at.astimezone(SH).month for h in closed.filter(campaign__theme__code="fire")
    )
    assert set(fire_months) <= {11, 12, 1, 2}  # fire hazards only in the heating season
    campus_months = Counter(
        h.found_at.astimezone(SH).month for h in closed.filter(campaign__theme__code="campus")
    )
    assert set(campus_months) <= {2, 3, 8, 9}  # campus hazards at the term starts
    verified = Verification.objects.filter(hazard__is_demo=True).select_related("rectification")
    assert verified.count() > 0
    assert all(v.by_id != v.rectification.by_id for v in verified)  # never the rectifier
    found_today = [h for h in open_now if h.inspection_id is not None]
    assert len(found_today) == 1 and found_today[0].campaign.theme.code == "fire"  # winter now
    live = Clock.objects.get(matter=found_today[0].matter)
    assert live.state == "running"
    assert not Clock.objects.filter(matter__status="closed").exists()
    assert all(Clock.objects.filter(matter=h.matter, state="running").exists() for h in open_now)


def test_the_history_ends_with_an_open_tail_some_of_it_overdue(
    mini_city: MiniCity, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every township late on every tail hazard: hazards found more than a week ago are
    still rectifying past their legal deadline, and the sweeper has recorded it."""
    monkeypatch.setattr(demo, "LATE_SHARES", ((1.0,), (1.0,)))
    seed_themes_and_limits()
    Grid.objects.update(is_demo=True)
    at = datetime(2026, 12, 10, 10, tzinfo=SH)
    with time_machine.travel(at, tick=False):
        build_demo_hazards(2304, _Quiet())
    tail = Hazard.objects.filter(matter__status="open", inspection=None).select_related("matter")
    assert tail and all(h.found_at >= at - timedelta(days=demo.TAIL_DAYS + 1) for h in tail)
    overdue = [h for h in tail if h.matter.due_on < date(2026, 12, 10)]
    assert overdue  # a general hazard has at most seven days
    for hazard in tail:
        clock = Clock.objects.get(matter=hazard.matter, purpose=RECTIFY_CLOCK)
        assert clock.started_at == hazard.found_at and clock.due_on == hazard.matter.due_on
        assert clock.due_on == replay(clock, clock.events.all()).due_on  # the legal clock's
    recorded = Warning.objects.filter(clock__matter__in=[h.matter for h in overdue])
    assert recorded.filter(threshold_s=OVERDUE).count() == len(overdue)  # the sweeper's


def test_the_open_tail_is_seeded_and_mostly_on_time(mini_city: MiniCity) -> None:
    seed_themes_and_limits()
    Grid.objects.update(is_demo=True)
    at = datetime(2026, 12, 10, 10, tzinfo=SH)
    with time_machine.travel(at, tick=False):
        build_demo_hazards(2304, _Quiet())
    tail = Hazard.objects.filter(matter__status="open", inspection=None)
    late = tail.filter(matter__due_on__lt=date(2026, 12, 10)).count()
    recent = Hazard.objects.filter(found_at__gte=at - timedelta(days=demo.TAIL_DAYS)).count()
    assert late < recent / 3  # a few late, not the whole tail


def test_without_themes_the_demo_builds_no_campaign_and_does_not_fail(mini_city: MiniCity) -> None:
    from zhengfa.hazards.models import CampaignTheme

    CampaignTheme.objects.all().delete()  # as after a flush, or every theme retired
    Grid.objects.update(is_demo=True)
    assert build_demo_hazards(2304, _Quiet()) == {"campaigns": 0, "hazards": 0}
    assert not Campaign.objects.exists()
