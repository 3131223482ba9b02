"""A year of service-hall history for the demo city, so every item page has a record.

History is closed and written in bulk (matters and applications): a closed matter has no
running clock. Whether each finished within its limit is asked of the legal clock
(``zhengfa.clock``) — the time taken is drawn, the due instant is computed, never guessed.
Most items finish well inside their limit; a few slip, more for the slow certificate and
licence items than for the on-the-spot ones. A handful of applications are open now, in
the demo township, filed through the services so their clocks are live. Synthetic:
volumes, times and ratings are invented; no person's data is in the history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

import numpy as np
from django.core.exceptions import ValidationError

from zhengfa.audit.services import audit_record
from zhengfa.clock import Clock as LegalClock
from zhengfa.clock import Period, Unit
from zhengfa.clock.clock import SHANGHAI
from zhengfa.flow.common import legal_day
from zhengfa.flow.models import Matter, MatterStatus
from zhengfa.org.models import Region, RegionLevel
from zhengfa.org.models import Unit as OrgUnit
from zhengfa.portal.models import Application, AppStatus, Channel, Handover, ServiceItem
from zhengfa.portal.services import Submission, application_submit, handling_unit

MONTHS = 12
PER_ITEM_A_MONTH = 6.0  # mean applications per item per month (Poisson)
OPEN_NOW = 8
DEMO_PHONE = "13800138000"  # the well-known placeholder number, not a person's


@dataclass(frozen=True)
class Planned:
    item: ServiceItem
    township: str
    unit: OrgUnit
    submitted: datetime
    taken: timedelta


def build_demo_portal(seed: int, progress: Any) -> dict[str, int]:
    """The demo history; returns the counts for the demo build's summary."""
    rng = np.random.default_rng([seed, 11])
    items = list(ServiceItem.objects.filter(active=True, handover=Handover.PORTAL, open311=False))
    townships = list(
        Region.objects.filter(level=RegionLevel.TOWNSHIP).values_list("code", flat=True)
    )
    if not items or not townships:
        return {}
    progress.stage("网上办事历史 service-hall history", MONTHS)
    units: dict[tuple[str, str], OrgUnit | None] = {}
    total = 0
    today = legal_day()
    for back in range(MONTHS, 0, -1):
        plans = _plan_month(rng, items, townships, units, today - timedelta(days=30 * back))
        total += _write(plans, total)
        progress.advance()
    opened = _open_now(items, townships)
    audit_record(
        actor=None,
        action="portal.demo_build",
        new={"seed": seed, "applications": total, "open": opened},
    )
    return {"service_applications": total + opened}


def _unit(
    cache: dict[tuple[str, str], OrgUnit | None], item: ServiceItem, township: str
) -> OrgUnit | None:
    key = (item.code, township)
    if key not in cache:
        try:
            cache[key] = handling_unit(item, township)
        except ValidationError:  # no unit offers the item there: it is skipped
            cache[key] = None
    return cache[key]


def _plan_month(
    rng: np.random.Generator,
    items: list[ServiceItem],
    townships: list[str],
    units: dict[tuple[str, str], OrgUnit | None],
    first: Any,
) -> list[Planned]:
    plans: list[Planned] = []
    for item in items:
        for _ in range(int(rng.poisson(PER_ITEM_A_MONTH))):
            township = townships[int(rng.integers(len(townships)))]
            unit = _unit(units, item, township)
            if unit is None:
                continue
            day = first + timedelta(days=int(rng.integers(28)))
            at = datetime.combine(
                day, time(int(rng.integers(8, 17)), int(rng.integers(60))), SHANGHAI
            )
            plans.append(Planned(item, township, unit, at, _taken(rng, item)))
    return plans


# Rough length of a limit in real time, only to draw plausible durations from.
_SPAN = {"minutes": 60, "hours": 3600, "days": 86400, "workdays": 86400 * 7 / 5}


def _taken(rng: np.random.Generator, item: ServiceItem) -> timedelta:
    """Mostly well inside the limit; about one in twenty slips past it."""
    limit = item.time_amount * _SPAN[item.time_unit]
    share = rng.beta(2.0, 4.0) if rng.random() > 0.05 else 1.0 + rng.random() * 0.5
    return timedelta(seconds=max(60, int(limit * share)))


def _due_at(item: ServiceItem, submitted: datetime) -> datetime:
    period = Period(item.time_amount, Unit(item.time_unit))
    instant = item.time_unit in ("minutes", "hours")
    start = submitted if instant else submitted.astimezone(SHANGHAI).date()
    return LegalClock.for_periods(start, period).due_at


def _write(plans: list[Planned], offset: int) -> int:
    matters = Matter.objects.bulk_create(
        [
            Matter(
                kind="portal_licence" if p.item.licence else "portal_service",
                title=f"{p.item.name_zh} 演示",
                region_id=p.township,
                unit=p.unit,
                stage="done",
                status=MatterStatus.CLOSED,
                opened_at=p.submitted,
                closed_at=p.submitted + p.taken,
            )
            for p in plans
        ],
        batch_size=1000,
    )
    Application.objects.bulk_create(
        [
            _application(m, p, offset + n)
            for n, (m, p) in enumerate(zip(matters, plans, strict=True))
        ],
        batch_size=1000,
    )
    return len(plans)


def _application(matter: Matter, plan: Planned, serial: int) -> Application:
    done = plan.submitted + plan.taken
    due = _due_at(plan.item, plan.submitted)
    return Application(
        matter=matter,
        item=plan.item,
        receipt=f"SQ{plan.submitted.astimezone(SHANGHAI):%Y%m%d}D{serial:05d}",
        channel=Channel.ONLINE if plan.item.online else Channel.WINDOW,
        status=AppStatus.DONE,
        submitted_at=plan.submitted,
        done_at=done,
        limit_due_at=due,
        within_limit=done <= due,
        taken_seconds=int(plan.taken.total_seconds()),
        rating=5 if done <= due else 3,
        outcome_note="已办结（演示）",
    )


def _open_now(items: list[ServiceItem], townships: list[str]) -> int:
    """A few applications filed now through the services, so the desk has live work."""
    from zhengfa.org.demo.people import DEMO_TOWNSHIP

    township = DEMO_TOWNSHIP if DEMO_TOWNSHIP in townships else townships[0]
    opened = 0
    for item in [i for i in items if not i.min_age][:OPEN_NOW]:
        try:
            application_submit(
                actor=None,
                submission=Submission(
                    item=item, region_code=township, name="演示申请人", phone=DEMO_PHONE
                ),
            )
        except ValidationError:  # nobody handles the item in that township
            continue
        opened += 1
    return opened
