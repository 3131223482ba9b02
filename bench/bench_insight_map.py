"""Benchmark of the one map (一张图): ``python bench/bench_insight_map.py [--matters 300000]
[--grids 3380] [--repeat 9] [--keep] [--json]``.

Runs on a throw-away test database of whatever ``DATABASE_URL`` points at (SQLite when
unset; ``--keep`` keeps it for a rerun). A city of ``--grids`` grids (10 counties × 10
townships, a 16-vertex outline and a population each) and ``--matters`` matters over three
years (disputes, hazards, police incidents at a grid; civil court cases at the county; 15 %
open), then the count tables are rebuilt. Timed, each the median of ``--repeat`` requests
through the Django test client (session, scoping, JSON included):

- ``GET /api/v1/insight/map/measures`` for every measure, by grid and by county, for a
  city-wide commission and for a township's centre operator;
- ``GET /api/v1/insight/map/outlines`` built (cache cleared) and served from the cache;
- the baseline the count tables replace: overdue per grid grouped straight over the matter
  table (what the map did before it read the count tables), so the ratio is measured in
  the same run.

Results are recorded in bench/README.md (Insight: the one map).
"""

from __future__ import annotations

import argparse
import base64
import json
import math
import os
import random
import statistics
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhengfa.settings")
os.environ.setdefault("DEBUG", "0")  # DEBUG would keep every statement's SQL text
for _name in ("ZHENGFA_AUDIT_KEY", "ZHENGFA_PII_HASH_KEY"):
    os.environ.setdefault(_name, base64.b64encode(os.urandom(32)).decode())
os.environ.setdefault("ZHENGFA_PII_KEYS", "b1:" + base64.b64encode(os.urandom(32)).decode())

import django  # noqa: E402 - settings must be in the environment first

django.setup()

import time_machine  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402

from zhengfa.flow.models import Matter, MatterStatus  # noqa: E402
from zhengfa.insight.mapping import Level, Measure  # noqa: E402
from zhengfa.insight.refresh import rebuild  # noqa: E402
from zhengfa.org.models import Grid, Region, RegionLevel, Unit, UnitKind, User  # noqa: E402
from zhengfa.org.roles import Role  # noqa: E402

NOW = datetime(2026, 11, 27, 4, tzinfo=UTC)
TODAY = date(2026, 11, 27)
GRID_KINDS = ("dispute", "hazard", "police_incident")
BATCH = 5000


def outline(x: float, y: float, r: float = 0.004) -> dict[str, Any]:
    ring = [
        [round(x + r * math.cos(a * math.pi / 8), 6), round(y + r * math.sin(a * math.pi / 8), 6)]
        for a in range(16)
    ]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def build_city(grids: int) -> dict[str, User]:
    Region.objects.create(code="2304", name="基准市", level=RegionLevel.CITY)
    per_township = -(-grids // 100)
    made = 0
    for c in range(10):
        county = f"2304{c + 1:02d}"
        Region.objects.create(
            code=county, name=f"县{c}", level=RegionLevel.COUNTY, parent_id="2304"
        )
        Unit.objects.create(
            code=f"{county}-FY",
            name=f"县{c}法院",
            kind=UnitKind.COURT,
            level="county",
            region_id=county,
            court_code=f"黑{c:02d}",
        )
        for t in range(10):
            township = f"{county}{t + 1:03d}"
            Region.objects.create(
                code=township, name=f"街道{c}-{t}", level=RegionLevel.TOWNSHIP, parent_id=county
            )
            Unit.objects.create(
                code=f"{township}-ZX",
                name=f"{township}中心",
                kind=UnitKind.GOVERNANCE_CENTRE,
                level="township",
                region_id=township,
            )
            count = min(per_township, grids - made)
            Grid.objects.bulk_create(
                Grid(
                    code=f"{township}{g:04d}",
                    name=f"网格{g}",
                    region_id=township,
                    geometry=outline(130 + c * 0.1 + g * 0.009, 47 + t * 0.01),
                    centroid_lon=130 + c * 0.1 + g * 0.009,
                    centroid_lat=47 + t * 0.01,
                    population=1000 + 37 * g,
                )
                for g in range(count)
            )
            made += count
    centre = Unit.objects.get(code="230401001-ZX")
    return {
        "commission (city)": User.objects.create(
            username="m-com", role=Role.COMMISSION, region_id="2304"
        ),
        "centre operator (township)": User.objects.create(
            username="m-centre", role=Role.CENTRE_OPERATOR, unit=centre, region_id="230401001"
        ),
    }


def generate_matters(n: int, rng: random.Random) -> None:
    grids = list(Grid.objects.values_list("pk", "region_id"))
    units = {u.region_id: u.pk for u in Unit.objects.all()}
    start = NOW - timedelta(days=3 * 365)
    for first in range(0, n, BATCH):
        Matter.objects.bulk_create(
            _matter(rng, grids, units, start) for _ in range(min(BATCH, n - first))
        )


def _matter(
    rng: random.Random, grids: list[tuple[int, str]], units: dict[str, int], start: datetime
) -> Matter:
    opened = start + timedelta(minutes=rng.randrange(3 * 365 * 24 * 60))
    due = opened + timedelta(days=rng.randrange(5, 120))
    is_open = rng.random() < 0.15
    grid, region = rng.choice(grids)
    kind = rng.choice(GRID_KINDS) if rng.random() < 0.9 else "court_civil_first"
    if kind == "court_civil_first":
        grid, region = None, region[:6]  # type: ignore[assignment]
    return Matter(
        kind=kind,
        title="m",
        region_id=region,
        grid_id=grid,
        unit_id=units[region],  # the township's centre, or the county's court
        stage="s",
        status=MatterStatus.OPEN if is_open else MatterStatus.CLOSED,
        opened_at=opened,
        due_at=due,
        due_on=due.date(),
        closed_at=None if is_open else opened + timedelta(days=rng.randrange(1, 60)),
    )


def _median(work: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _get(client: Client, url: str) -> Callable[[], object]:
    def call() -> object:
        answer = client.get(url)
        assert answer.status_code in (200, 304), (url, answer.status_code)
        return answer

    return call


def baseline_overdue_per_grid() -> object:
    """What the map did before the count tables: one GROUP BY over the matter table."""
    return list(
        Matter.objects.filter(status=MatterStatus.OPEN, paused=False, due_on__lt=TODAY)
        .exclude(grid=None)
        .values("grid__code")
        .annotate(n=Count("pk"))
    )


def measure(viewers: dict[str, User], repeat: int) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    for name, user in viewers.items():
        client = Client()
        client.force_login(user)
        for level in (Level.GRID, Level.COUNTY):
            for m in Measure:
                url = f"/api/v1/insight/map/measures?measure={m}&level={level}"
                figures[f"measures {m} by {level}, {name} [s]"] = _median(_get(client, url), repeat)
        cache.clear()
        figures[f"outlines built, {name} [s]"] = _median(
            lambda c=client: (cache.clear(), c.get("/api/v1/insight/map/outlines")), 3
        )
        served = client.get("/api/v1/insight/map/outlines")
        figures[f"outlines from cache, {name} [s]"] = _median(
            _get(client, "/api/v1/insight/map/outlines"), repeat
        )
        figures[f"outlines bytes (uncompressed), {name}"] = len(served.content)
    figures["baseline: overdue per grid from flow_matter [s]"] = _median(
        baseline_overdue_per_grid, repeat
    )
    grid_overdue = figures["measures overdue by grid, commission (city) [s]"]
    figures["ratio baseline / map overdue by grid (city)"] = (
        figures["baseline: overdue per grid from flow_matter [s]"] / grid_overdue
    )
    return figures


def run(args: argparse.Namespace) -> dict[str, Any]:
    figures: dict[str, Any] = {"database": connection.vendor, "matters": args.matters}
    if not Grid.objects.exists():
        started = time.perf_counter()
        build_city(args.grids)
        generate_matters(args.matters, random.Random(2304))
        figures["generate [s]"] = time.perf_counter() - started
        started = time.perf_counter()
        rebuild()
        figures["rebuild count tables [s]"] = time.perf_counter() - started
    users = {u.username: u for u in User.objects.filter(username__startswith="m-")}
    viewers = {"commission (city)": users["m-com"], "centre operator (township)": users["m-centre"]}
    with time_machine.travel(NOW, tick=True):
        figures.update(measure(viewers, args.repeat))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--matters", type=int, default=300_000)
    parser.add_argument("--grids", type=int, default=3380)
    parser.add_argument("--repeat", type=int, default=9, help="requests per median")
    parser.add_argument("--keep", action="store_true", help="keep the database for a rerun")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    old_name = connection.creation.create_test_db(
        verbosity=0, autoclobber=not args.keep, keepdb=args.keep, serialize=False
    )
    try:
        figures = run(args)
    finally:
        if not args.keep:
            connection.creation.destroy_test_db(old_name, verbosity=0)
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    for key, value in figures.items():
        shown = (
            f"{value:,.4f}"
            if isinstance(value, float)
            else f"{value:,}"
            if isinstance(value, int)
            else value
        )
        print(f"{key:66} {shown}")


if __name__ == "__main__":
    main()
