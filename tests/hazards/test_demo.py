"""The demo history on the mini city: three years of seasonal campaigns, closed hazards in
their seasons, and today's hazards found through the services on live clocks."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import time_machine

from tests.hazards.conftest import SH, seed_themes_and_limits
from tests.org.mini_city import MiniCity
from zhengfa.flow.models import Clock
from zhengfa.hazards.demo import build_demo_hazards
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
    assert len(open_now) == 1 and open_now[0].campaign.theme.code == "fire"  # winter now
    live = Clock.objects.get(matter=open_now[0].matter)
    assert live.state == "running"
    assert not Clock.objects.filter(matter__status="closed").exists()


def test_without_themes_the_demo_builds_no_campaign_and_does_not_fail(mini_city: MiniCity) -> None:
    from zhengfa.hazards.models import CampaignTheme

    CampaignTheme.objects.all().delete()  # as after a flush, or every theme retired
    Grid.objects.update(is_demo=True)
    assert build_demo_hazards(2304, _Quiet()) == {"campaigns": 0, "hazards": 0}
    assert not Campaign.objects.exists()
