"""Three years of demo disputes for the demo city, with the patterns a real city has.

Seasons: labour disputes (wage arrears) peak before the Spring Festival, land disputes in
the spring sowing months, family and neighbour disputes in summer, consumer disputes
after the November sales. Places: urban communities (more grids per village) report more
consumer and property disputes, rural villages more land disputes; counts follow
population. Rates are synthetic (about 2.5 disputes per 1,000 residents a year).

History is closed and written in bulk (matters, disputes, routing decisions, hops, return
visits, analyses with their answered tasks) — a closed matter has no running clock, so
nothing is computed that the legal clock would compute differently. The disputes still
open are reported now, through the services, so every live clock is the legal clock's.

Most labour disputes name the employer as an organisation party (``DisputeOrganisation``),
drawn from a few recurring employers per county (a construction subcontractor owing wages
shows up again and again), with valid unified social credit codes (GB 32100-2015).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import numpy as np

from zhengfa.audit.services import audit_record
from zhengfa.clock.clock import SHANGHAI
from zhengfa.disputes.credit_code import CHARSET, check_character
from zhengfa.disputes.defaults import defaults_ensure
from zhengfa.disputes.flows import DISPUTE_KIND
from zhengfa.disputes.models import (
    DEPARTMENT_UNITS,
    Dispute,
    DisputeCategory,
    DisputeOrganisation,
    HopReason,
    JointAnalysis,
    LevelHop,
    ReturnVisit,
    RoutingDecision,
    RoutingRule,
    Way,
)
from zhengfa.disputes.organisations import (
    HANDLER_ROLES,
    MEDIATION_KINDS,
    handler_of,
    levels_from,
    region_at,
)
from zhengfa.disputes.services.routing import rule_matches
from zhengfa.flow.common import legal_day
from zhengfa.flow.models import Matter, MatterStatus
from zhengfa.org.models import Grid, Region, RegionLevel, Unit, UnitKind, User

YEARS = 3
PER_1000_A_YEAR = 2.5
OPEN_NOW = 24  # reported through the services in the demo township
# Share of each category, and its month factors (Jan..Dec).
SEASONS: dict[str, tuple[float, tuple[float, ...]]] = {
    "economic_financial": (0.10, (1.1, 1.0, 1.0, 1.0, 0.9, 0.9, 0.9, 0.9, 1.0, 1.0, 1.1, 1.3)),
    "livelihood": (0.14, (1.3, 1.2, 0.9, 0.9, 0.9, 1.0, 1.0, 1.0, 0.9, 1.0, 1.2, 1.4)),
    "law_litigation": (0.06, (1.0,) * 12),
    "family_neighbour": (0.26, (1.0, 1.2, 0.9, 0.9, 1.1, 1.3, 1.4, 1.3, 1.0, 0.9, 0.8, 0.8)),
    "labour": (0.14, (1.8, 1.6, 0.8, 0.8, 0.8, 0.9, 0.9, 0.9, 0.9, 0.9, 1.1, 1.8)),
    "land_property": (0.14, (0.5, 0.6, 1.6, 1.9, 1.6, 1.1, 0.9, 0.9, 1.1, 1.0, 0.6, 0.5)),
    "consumer": (0.10, (1.0, 1.2, 0.9, 0.9, 0.9, 1.0, 0.9, 0.9, 0.9, 1.0, 1.8, 1.6)),
    "other": (0.06, (1.0,) * 12),
}
URBAN = {"consumer": 1.6, "land_property": 0.6, "economic_financial": 1.3}
RURAL = {"consumer": 0.5, "land_property": 1.7, "labour": 0.8}
SEVERITIES = ("general", "serious", "major")
SEVERITY_P = (0.82, 0.15, 0.03)
EMPLOYER_SHARE = 0.7  # labour disputes naming their employer
EMPLOYERS = (
    "建筑劳务有限公司",
    "物业服务有限公司",
    "餐饮管理有限公司",
    "服装制造有限公司",
    "物流有限公司",
)
# How often each of a county's employers is the one (a few recur much more than others).
EMPLOYER_P = (0.4, 0.25, 0.15, 0.12, 0.08)


@dataclass
class Place:
    code: str
    population: int
    grids: list[Grid]
    urban: bool


def build_demo_disputes(seed: int, progress: Any) -> dict[str, int]:
    """The demo history; returns the counts for the demo build's summary."""
    defaults_ensure()
    rng = np.random.default_rng([seed, 6])
    places = _places()
    if not places:
        return {}
    routes = _Router()
    today = legal_day()
    months = [_month_start(today, back) for back in range(YEARS * 12, 0, -1)]
    progress.stage("矛盾纠纷历史 dispute history", len(months))
    total = 0
    for first in months:
        total += _write_month(rng, places, routes, first)
        progress.advance()
    analyses = _write_analyses(rng, months)
    opened = _open_now(rng, places)
    audit_record(
        actor=None,
        action="disputes.demo_build",
        new={"seed": seed, "disputes": total, "open": opened, "analyses": analyses},
    )
    return {"disputes": total + opened, "joint_analyses": analyses}


def _month_start(today: date, back: int) -> date:
    index = today.year * 12 + today.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def _places() -> list[Place]:
    grids: dict[str, list[Grid]] = defaultdict(list)
    for grid in Grid.objects.filter(is_demo=True).only(
        "pk", "code", "region_id", "beat_id", "worker_id"
    ):
        grids[grid.region_id].append(grid)
    villages = Region.objects.filter(level=RegionLevel.VILLAGE, code__in=list(grids))
    return [
        Place(v.code, v.population or 1000, grids[v.code], len(grids[v.code]) >= 8)
        for v in villages
    ]


class _Router:
    """The routing table applied to demo disputes, with every unit and handler in memory
    (the same choices as ``organisations``, without a query per dispute)."""

    def __init__(self) -> None:
        self.rules = list(RoutingRule.objects.filter(active=True).order_by("priority", "pk"))
        self.categories = {c.code: c for c in DisputeCategory.objects.all()}
        units = list(Unit.objects.select_related("parent"))
        self.handlers: dict[int, Any] = {}
        for user in User.objects.filter(role__in=HANDLER_ROLES, is_active=True).order_by("-pk"):
            self.handlers[user.unit_id] = user  # the lowest pk wins, as in handler_of
        self.mediation = {
            (u.region_id, u.level): u
            for u in sorted(units, key=lambda u: (u.kind, u.code), reverse=True)
            if u.kind in MEDIATION_KINDS
            and not (u.kind == UnitKind.MEDIATION_STUDIO and u.parent and u.parent.kind == u.kind)
        }
        self.units = sorted(units, key=lambda u: u.code)

    def route(self, category: str, severity: str, amount: Decimal, village: str) -> Any:
        cat = self.categories[category]
        rule = next(
            r
            for r in self.rules
            if rule_matches(r, category_id=cat.pk, severity=severity, amount=amount, parties=2)
        )
        unit = self._target(rule, village)
        return rule, unit, self.handlers.get(unit.pk) if unit else None

    def _target(self, rule: RoutingRule, village: str) -> Unit | None:
        if rule.way != Way.BY_SUBJECT:
            level = rule.level or RegionLevel.VILLAGE
            return self.mediation.get((region_at(village, level), level))
        kinds, word = DEPARTMENT_UNITS[rule.department]
        for level in levels_from(rule.level):
            code = region_at(village, level)
            for unit in self.units:
                if unit.region_id == code and unit.kind in kinds and word in unit.name:
                    return unit
        return None


def _write_month(
    rng: np.random.Generator, places: list[Place], routes: _Router, first: date
) -> int:
    month = first.month - 1
    days = (date(first.year + first.month // 12, first.month % 12 + 1, 1) - first).days
    matters: list[Matter] = []
    plans: list[tuple[str, str, Decimal, Any, Unit, Any, int]] = []
    for place in places:
        for category, (share, season) in SEASONS.items():
            local = (URBAN if place.urban else RURAL).get(category, 1.0)
            rate = place.population / 1000 * PER_1000_A_YEAR / 12 * share * season[month] * local
            for _ in range(int(rng.poisson(rate))):
                severity = str(rng.choice(SEVERITIES, p=SEVERITY_P))
                amount = Decimal(int(rng.lognormal(8.5, 1.3)))
                rule, unit, owner = routes.route(category, severity, amount, place.code)
                if unit is None:
                    continue
                grid = place.grids[int(rng.integers(len(place.grids)))]
                opened = datetime.combine(
                    first + timedelta(days=int(rng.integers(days))),
                    time(int(rng.integers(8, 18)), int(rng.integers(60))),
                    tzinfo=SHANGHAI,
                )
                took = int(rng.gamma(2.0, 5.0)) + 1
                matters.append(
                    Matter(
                        kind=DISPUTE_KIND,
                        title=f"{routes.categories[category].name}纠纷 {grid.code}",
                        region_id=place.code,
                        grid=grid,
                        unit=unit,
                        owner=owner,
                        stage="closed",
                        status=MatterStatus.CLOSED,
                        opened_at=opened,
                        closed_at=opened + timedelta(days=took),
                    )
                )
                plans.append((category, severity, amount, rule, unit, grid, took))
    created = Matter.objects.bulk_create(matters, batch_size=1000)
    _write_details(rng, routes, created, plans)
    return len(created)


def _write_details(
    rng: np.random.Generator, routes: _Router, matters: list[Matter], plans: list[Any]
) -> None:
    disputes, decisions, hops, visits = [], [], [], []
    outcomes = rng.choice(["agreement", "partial", "failed"], p=[0.85, 0.08, 0.07], size=len(plans))
    for matter, plan, outcome in zip(matters, plans, outcomes, strict=True):
        category, severity, amount, rule, unit, grid, took = plan
        disputes.append(
            Dispute(
                matter=matter,
                category=routes.categories[category],
                severity=severity,
                amount=amount,
                description="演示数据 demo dispute",
                channel="grid",
                reported_at=matter.opened_at,
                lon=None,
                lat=None,
                way=rule.way,
                level=unit.level,
                department=rule.department,
                outcome=str(outcome),
                outcome_at=matter.closed_at,
                agreement_terms="" if outcome == "failed" else "双方达成和解 settled",
                referral="litigation" if outcome == "failed" else "",
                is_demo=True,
            )
        )
        decisions.append(
            RoutingDecision(
                dispute_id=matter.pk,
                at=matter.opened_at,
                rule=rule,
                rule_label=str(rule)[:120],
                way=rule.way,
                level=rule.level,
                department=rule.department,
                unit=unit,
            )
        )
        if took > 15 and unit.parent_id and unit.kind == UnitKind.MEDIATION_COMMITTEE:
            hops.append(
                LevelHop(
                    dispute_id=matter.pk,
                    at=matter.opened_at + timedelta(days=15),
                    from_unit=unit,
                    to_unit_id=unit.parent_id,
                    reason=HopReason.OVERDUE,
                )
            )
        if matter.owner is not None and matter.closed_at is not None:
            visits.append(
                ReturnVisit(
                    dispute_id=matter.pk,
                    at=matter.closed_at,
                    by=matter.owner,
                    satisfaction=int(rng.choice([3, 4, 5], p=[0.15, 0.45, 0.4])),
                )
            )
    Dispute.objects.bulk_create(disputes, batch_size=1000)
    DisputeOrganisation.objects.bulk_create(_employers(rng, disputes), batch_size=1000)
    RoutingDecision.objects.bulk_create(decisions, batch_size=1000)
    LevelHop.objects.bulk_create(hops, batch_size=1000)
    ReturnVisit.objects.bulk_create(visits, batch_size=1000)


def _employers(rng: np.random.Generator, disputes: list[Dispute]) -> list[DisputeOrganisation]:
    labour = [d for d in disputes if d.category.code == "labour"]
    named = rng.random(len(labour)) < EMPLOYER_SHARE
    picks = rng.choice(len(EMPLOYERS), p=EMPLOYER_P, size=len(labour))
    return [
        DisputeOrganisation(
            dispute=dispute,
            name=employer_name(dispute.matter.region_id[:6], int(pick)),
            credit_code=employer_code(dispute.matter.region_id[:6], int(pick)),
            side="respondent",
        )
        for dispute, pick, name in zip(labour, picks, named, strict=True)
        if name
    ]


def employer_name(county: str, index: int) -> str:
    return f"演示{county}{'ABCDE'[index]}{EMPLOYERS[index]}"


def employer_code(county: str, index: int) -> str:
    """A valid code for the demo employer: 9 (市场监管) 1 (enterprise), the county, an
    organisation code of its own, the check character."""
    body = f"91{county}DM{index:06d}{CHARSET[int(county) % 31]}"
    return body + check_character(body)


def _write_analyses(rng: np.random.Generator, months: list[date]) -> int:
    """A joint analysis per county centre each quarter (tasks are in the live demo only)."""
    centres = list(Unit.objects.filter(kind=UnitKind.GOVERNANCE_CENTRE, level=RegionLevel.COUNTY))
    convener = {c.pk: handler_of(c) for c in centres}
    rows = [
        JointAnalysis(
            centre=centre,
            region_id=centre.region_id,
            convened_by=convener[centre.pk],
            held_on=first + timedelta(days=int(rng.integers(5, 25))),
            topic=f"{first:%Y年%m月}矛盾纠纷联合研判",
            decision="分析研判本季度矛盾纠纷态势，落实属地责任 quarterly joint analysis",
            created_at=datetime.combine(first, time(9), tzinfo=SHANGHAI),
            is_demo=True,
        )
        for first in months[::3]
        for centre in centres
        if convener[centre.pk] is not None
    ]
    JointAnalysis.objects.bulk_create(rows)
    return len(rows)


def _open_now(rng: np.random.Generator, places: list[Place]) -> int:
    """Disputes open today in the demo township, reported through the services."""
    from zhengfa.disputes.services.intake import PartyInput, dispute_report

    local = [p for p in places if p.code.startswith("230402001")] or places[:3]
    categories = list(SEASONS)
    opened = 0
    for n in range(OPEN_NOW):
        place = local[n % len(local)]
        grid = place.grids[int(rng.integers(len(place.grids)))]
        if grid.worker_id is None:
            continue
        dispute_report(
            actor=grid.worker,
            channel="grid",
            category=categories[n % len(categories)],
            severity=SEVERITIES[int(n % 7 == 0)],
            amount=str(int(rng.lognormal(9, 1))),
            description="演示数据：待化解纠纷 demo dispute being mediated",
            grid_code=grid.code,
            parties=[
                PartyInput(name=f"演示当事人{n}甲"),
                PartyInput(name=f"演示当事人{n}乙", side="respondent"),
            ],
        )
        opened += 1
    return opened
