"""Three years of demo incidents and cases for the demo city, with hotspots.

Every beat gets incidents at a rate of its own (log-normal, so a few beats are hotspots)
over an hour profile with an evening peak and busier Friday and Saturday nights; the demo
station's beats (the township of the demo logins) are ten times busier, so its roster has
history to plan from. About a fifth of the reports are not police business and were
diverted by the triage rules (noise to the environment bureau, consumer complaints to
market regulation, utilities to the service hotline); some criminal incidents became cases,
most solved within weeks, the eight major types rarer and solved more often. Rates are
synthetic.

History is written in bulk and closed: a closed matter has no running clock, so nothing
is computed that the legal clock would compute differently. The demo station also gets a
realistic staff (30 officers) so that a roster can be generated there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from zhengfa.audit.services import audit_record
from zhengfa.clock.clock import SHANGHAI
from zhengfa.flow.common import legal_day
from zhengfa.flow.models import Matter, MatterStatus
from zhengfa.org.geo import polygon_from_geojson
from zhengfa.org.models import Grid, Unit, User
from zhengfa.org.roles import Role
from zhengfa.police.flows import CRIMINAL_KIND, INCIDENT_KIND, REFERRAL_KIND
from zhengfa.police.models import (
    MAJOR_TYPES,
    Area,
    Category,
    CrimeType,
    CriminalCase,
    Disposition,
    Incident,
    IntakeChannel,
    Priority,
    Referral,
    TargetKind,
    TriageRule,
)

YEARS = 3
DEMO_TOWNSHIP = "230402001"
STATION_STAFF = 30
PER_BEAT_DAY = 0.05  # the city's average; the demo station's beats ten times that
CATEGORY_P: dict[str, float] = {
    Category.CRIMINAL: 0.16,
    Category.PUBLIC_ORDER: 0.18,
    Category.TRAFFIC: 0.2,
    Category.FIRE_RESCUE: 0.03,
    Category.DISPUTE: 0.13,
    Category.HELP: 0.12,
    Category.NON_POLICE: 0.18,
}
CRIME_P: dict[str, float] = {
    CrimeType.THEFT: 0.34,
    CrimeType.BURGLARY: 0.14,
    CrimeType.TELECOM_FRAUD: 0.22,
    CrimeType.FRAUD: 0.1,
    CrimeType.ASSAULT: 0.1,
    CrimeType.ROBBERY: 0.04,
    CrimeType.OTHER: 0.04,
    CrimeType.HOMICIDE: 0.005,
    CrimeType.RAPE: 0.005,
    CrimeType.KIDNAPPING: 0.002,
    CrimeType.ARSON: 0.004,
    CrimeType.EXPLOSION: 0.001,
    CrimeType.POISONING: 0.003,
}
TEXTS: dict[str, str] = {
    Category.CRIMINAL: "演示:财物被盗",
    Category.PUBLIC_ORDER: "演示:酒后滋事",
    Category.TRAFFIC: "演示:两车剐蹭",
    Category.FIRE_RESCUE: "演示:楼道起火",
    Category.DISPUTE: "演示:口角纠纷",
    Category.HELP: "演示:老人走失",
}
# (rule name, keywords, target, unit abbreviation or dispute category, demo text)
RULES = (
    ("社会生活噪声 Noise", "噪音,噪声,吵闹", TargetKind.DEPARTMENT, "HBJ", "演示:夜间噪音扰民"),
    (
        "消费维权 Consumer complaint",
        "退货,退款,商家",
        TargetKind.DEPARTMENT,
        "SCJ",
        "演示:商家拒绝退货",
    ),
    ("水电气暖 Utilities", "停水,停电,供暖", TargetKind.HOTLINE, "ZZZX", "演示:小区停水"),
    ("邻里纠纷 Neighbour quarrel", "邻居", TargetKind.MEDIATION, "family_neighbour", ""),
)


@dataclass
class _Beat:
    pk: int
    station: Unit
    grids: list[tuple[Grid, tuple[float, float]]]
    rate: float  # incidents a day


def build_demo_police(seed: int, progress: Any) -> dict[str, int]:
    """The demo history; returns the counts for the demo build's summary."""
    rng = np.random.default_rng([seed, 8])
    beats = _beats(rng)
    if not beats:
        return {}
    rules = _rules()
    staff = _staff()
    today = legal_day()
    first = today - timedelta(days=365 * YEARS)
    progress.stage("警情与案件历史 incidents and cases", len(beats))
    incidents = cases = 0
    for beat in beats:
        made, solved = _history(rng, beat, rules, first, today)
        incidents, cases = incidents + made, cases + solved
        progress.advance()
    audit_record(
        actor=None,
        action="police.demo_build",
        new={"seed": seed, "incidents": incidents, "cases": cases, "officers": staff},
    )
    return {"incidents": incidents, "criminal cases": cases}


def _beats(rng: np.random.Generator) -> list[_Beat]:
    grids: dict[int, list[Grid]] = {}
    for grid in Grid.objects.filter(is_demo=True, beat__isnull=False).select_related(
        "beat__station", "region"
    ):
        grids.setdefault(grid.beat_id, []).append(grid)  # type: ignore[arg-type]
    beats = []
    for beat_id, members in sorted(grids.items()):
        busy = 10.0 if members[0].beat.region_id == DEMO_TOWNSHIP else 1.0  # type: ignore[union-attr]
        beats.append(
            _Beat(
                beat_id,
                members[0].beat.station,  # type: ignore[union-attr]
                [(g, _inside(g)) for g in members],
                PER_BEAT_DAY * busy * float(rng.lognormal(0.0, 1.0)),
            )
        )
    return beats


def _inside(grid: Grid) -> tuple[float, float]:
    point = polygon_from_geojson(grid.geometry).representative_point()
    return point.x, point.y


def _rules() -> dict[str, tuple[TriageRule, Unit | None]]:
    found: dict[str, tuple[TriageRule, Unit | None]] = {}
    for order, (name, words, target, code, text) in enumerate(RULES, start=1):
        unit = Unit.objects.filter(code=f"2304-{code}").first()
        if target != TargetKind.MEDIATION and unit is None:
            continue
        rule, _ = TriageRule.objects.get_or_create(
            name=name,
            defaults={
                "order": order * 10,
                "keywords": words,
                "target": target,
                "unit_code": unit.code if unit and target != TargetKind.MEDIATION else "",
                "dispute_category": code if target == TargetKind.MEDIATION else "",
            },
        )
        if text:  # mediation history lives in the disputes demo
            found[text] = (rule, unit)
    return found


def _staff() -> int:
    """Officers for the demo station, so a roster can be planned there."""
    station = Unit.objects.filter(beats__region_id=DEMO_TOWNSHIP).distinct().first()
    if station is None:
        return 0
    have = User.objects.filter(unit=station, role=Role.POLICE_OFFICER).count()
    User.objects.bulk_create(
        User(
            username=f"demo-police-{station.pk}-{n:02d}",
            full_name=f"民警{n:02d}",
            role=Role.POLICE_OFFICER,
            unit=station,
            is_demo=True,
        )
        for n in range(have, STATION_STAFF)
    )
    return max(STATION_STAFF - have, 0)


def _profile() -> np.ndarray:
    hours = np.arange(168) % 24
    days = np.arange(168) // 24
    profile = (
        0.25 + np.exp(-(((hours - 21) % 24) ** 2) / 8) + 0.5 * np.exp(-((hours - 14) ** 2) / 10)
    )
    profile *= np.where((days >= 4) & ((hours >= 20) | (hours < 3)), 1.5, 1.0)
    return profile / profile.sum()


PROFILE = _profile()


def _history(
    rng: np.random.Generator,
    beat: _Beat,
    rules: dict[str, tuple[TriageRule, Unit | None]],
    first: Any,
    today: Any,
) -> tuple[int, int]:
    days = (today - first).days
    count = int(rng.poisson(beat.rate * days))
    if not count:
        return 0, 0
    day_offsets = rng.integers(0, days, count)
    week_hours = rng.choice(168, size=count, p=PROFILE)
    minutes = rng.integers(0, 60, count)
    categories = rng.choice(list(CATEGORY_P), size=count, p=list(CATEGORY_P.values()))
    places = rng.integers(0, len(beat.grids), count)
    plans, matters = [], []
    for n in range(count):
        day = first + timedelta(days=int(day_offsets[n]))
        day -= timedelta(days=day.weekday())
        day += timedelta(days=int(week_hours[n]) // 24)
        if day >= today:
            continue
        at = datetime(
            day.year, day.month, day.day, int(week_hours[n]) % 24, int(minutes[n]), tzinfo=SHANGHAI
        )
        category = str(categories[n])
        grid, point = beat.grids[int(places[n])]
        rule = _pick_rule(rng, rules) if category == Category.NON_POLICE else None
        plans.append((at, category, grid, point, rule))
        matters.append(_matter(rng, beat, at, category, grid, rule))
    created = Matter.objects.bulk_create(matters, batch_size=1000)
    incidents = Incident.objects.bulk_create(
        (_incident(rng, m, beat, plan) for m, plan in zip(created, plans, strict=True)),
        batch_size=1000,
    )
    _referrals(incidents, plans)
    return len(incidents), _cases(rng, beat, incidents)


def _pick_rule(
    rng: np.random.Generator, rules: dict[str, tuple[TriageRule, Unit | None]]
) -> tuple[str, TriageRule, Unit | None] | None:
    if not rules:
        return None
    text = list(rules)[int(rng.integers(0, len(rules)))]
    return (text, *rules[text])


def _matter(
    rng: np.random.Generator, beat: _Beat, at: datetime, category: str, grid: Grid, rule: Any
) -> Matter:
    unit = rule[2] if rule else beat.station
    took = timedelta(minutes=int(rng.gamma(3.0, 25.0)) + 10) if not rule else timedelta(days=2)
    text = rule[0] if rule else TEXTS[category]
    return Matter(
        kind=REFERRAL_KIND if rule else INCIDENT_KIND,
        title=f"{Category(category).label}: {text}"[:200],
        region_id=grid.region_id,
        grid=grid,
        unit=unit,
        stage="closed",
        status=MatterStatus.CLOSED,
        opened_at=at,
        closed_at=at + took,
    )


def _incident(
    rng: np.random.Generator, matter: Matter, beat: _Beat, plan: tuple[Any, ...]
) -> Incident:
    at, category, grid, point, rule = plan
    dispatched = at + timedelta(minutes=int(rng.integers(1, 5)))
    arrived = dispatched + timedelta(minutes=int(rng.gamma(2.0, 5.0)) + 2)
    police = rule is None
    return Incident(
        matter=matter,
        channel=IntakeChannel.CALL if rng.random() < 0.85 else IntakeChannel.ONLINE,
        received_at=at,
        category=category,
        priority=Priority.URGENT
        if category in (Category.CRIMINAL, Category.FIRE_RESCUE)
        else Priority.NORMAL,
        area=Area.RURAL if any(w in grid.region.name for w in ("村", "镇", "乡")) else Area.URBAN,
        description=matter.title,
        lon=point[0],
        lat=point[1],
        grid=grid,
        beat_id=beat.pk,
        disposition=Disposition.POLICE if police else Disposition.DIVERTED,
        dispatched_at=dispatched if police else None,
        arrived_at=arrived if police else None,
        closed_at=matter.closed_at,
        is_demo=True,
    )


def _referrals(incidents: list[Incident], plans: list[tuple[Any, ...]]) -> None:
    Referral.objects.bulk_create(
        (
            Referral(
                matter_id=incident.matter_id,
                incident=incident,
                rule=plan[4][1],
                rule_label=str(plan[4][1])[:120],
                target=plan[4][1].target,
                unit=plan[4][2],
                caller_message=f"已转至{plan[4][2].name}办理。" if plan[4][2] else "已转调解。",
                diverted_at=incident.received_at,
                closed_at=incident.closed_at,
                outcome="演示:已办结",
                is_demo=True,
            )
            for incident, plan in zip(incidents, plans, strict=True)
            if plan[4] is not None
        ),
        batch_size=1000,
    )


def _cases(rng: np.random.Generator, beat: _Beat, incidents: list[Incident]) -> int:
    """Registered criminal cases from criminal incidents, most solved within weeks."""
    criminal = [i for i in incidents if i.category == Category.CRIMINAL and rng.random() < 0.6]
    if not criminal:
        return 0
    types = rng.choice(list(CRIME_P), size=len(criminal), p=_normalised(CRIME_P))
    matters, rows = [], []
    for incident, crime in zip(criminal, types, strict=True):
        major = crime in MAJOR_TYPES
        registered = incident.received_at.astimezone(SHANGHAI).date()
        solved = rng.random() < (0.9 if major else 0.45)
        solved_on = registered + timedelta(days=int(rng.gamma(1.5, 10.0))) if solved else None
        open_case = solved_on is None or solved_on >= legal_day()
        matters.append(
            Matter(
                kind=CRIMINAL_KIND,
                title=f"{CrimeType(crime).label} 演示案件",
                region_id=incident.grid.region_id,
                grid=incident.grid,
                unit=beat.station,
                stage="registered" if open_case else "solved",
                status=MatterStatus.OPEN,
                opened_at=incident.received_at,
            )
        )
        rows.append((incident, str(crime), major, registered, None if open_case else solved_on))
    created = Matter.objects.bulk_create(matters, batch_size=1000)
    CriminalCase.objects.bulk_create(
        (
            CriminalCase(
                matter=m,
                incident=i,
                crime_type=c,
                major=major,
                registered_on=r,
                solved_on=s,
                is_demo=True,
            )
            for m, (i, c, major, r, s) in zip(created, rows, strict=True)
        ),
        batch_size=1000,
    )
    return len(created)


def _normalised(weights: dict[Any, float]) -> list[float]:
    total = sum(weights.values())
    return [w / total for w in weights.values()]
