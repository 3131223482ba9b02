"""The demo history on the mini city: three years of incidents with hotspots, diversions
by the rules, criminal cases with clearance; a roster planned from that history."""

from __future__ import annotations

from datetime import date, datetime

import time_machine

from tests.org.mini_city import MiniCity
from tests.police.conftest import SH
from zhengfa.org.models import Grid, Unit, User
from zhengfa.org.roles import Role
from zhengfa.police import selectors
from zhengfa.police.demo import build_demo_police
from zhengfa.police.models import CriminalCase, Incident, Referral
from zhengfa.police.planning import Rules
from zhengfa.police.services.rosters import roster_generate


class _Quiet:
    def stage(self, label: str, total: int) -> None:
        return None

    def advance(self, amount: int = 1) -> None:
        return None


def test_three_years_of_incidents_then_a_roster_from_them(mini_city: MiniCity) -> None:
    Grid.objects.update(is_demo=True)
    Unit.objects.create(
        code="2304-HBJ", name="鹤岗市生态环境局", kind="department", level="city", region_id="2304"
    )
    with time_machine.travel(datetime(2026, 11, 20, 10, tzinfo=SH), tick=False):
        counts = build_demo_police(2304, _Quiet())
    assert counts["incidents"] == Incident.objects.count() > 200
    first = Incident.objects.order_by("received_at").first()
    assert first is not None and first.received_at.year == 2023
    evening = Incident.objects.filter(received_at__hour__in=(20, 21)).count()  # local hours
    small_hours = Incident.objects.filter(received_at__hour__in=(4, 5)).count()
    assert evening > 2 * small_hours
    diverted = Referral.objects.select_related("rule", "unit")
    assert {r.unit.code for r in diverted} == {"2304-HBJ", "2304-ZZZX"}  # no 2304-SCJ here
    assert all(r.rule is not None and r.rule_label == str(r.rule) for r in diverted)
    assert CriminalCase.objects.filter(solved_on__isnull=False).exists()
    officer = mini_city.users[Role.POLICE_OFFICER]
    rates = selectors.clearance_rates(officer, date(2023, 1, 1), date(2026, 12, 1))
    assert rates and all(0 <= c.rate <= 1 for c in rates)
    station = officer.unit
    assert User.objects.filter(unit=station, role=Role.POLICE_OFFICER).count() == 30
    with time_machine.travel(datetime(2026, 11, 20, 10, tzinfo=SH), tick=False):
        roster = roster_generate(
            actor=officer,
            station=station,
            starts_on=date(2026, 11, 23),
            rules=Rules(),
            time_limit=10,
        )
    assert roster.shifts.count() > 0 and roster.expected_coverage > 0.5
