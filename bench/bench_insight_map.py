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
import math
import random
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import benchkit

benchkit.setup_django()

import time_machine  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402

from zhengfa.flow.models import Matter, MatterStatus  # noqa: E402
from zhengfa.insight.mapping import Level, Measure  # noqa: E402
from zhengfa.insight.refresh import rebuild  # noqa: E402
from zhengfa.org.models import Grid, Unit, UnitKind, User  # noqa: E402
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
    for index, township in enumerate(benchkit.build_regions("2304", with_courts=True)):
        Unit.objects.create(
            code=f"{township.code}-ZX",
            name=f"{township.code}中心",
            kind=UnitKind.GOVERNANCE_CENTRE,
            level="township",
            region_id=township.code,
        )
        x, y = 130 + township.county_index * 0.1, 47 + township.index * 0.01
        Grid.objects.bulk_create(
            Grid(
                code=f"{township.code}{g:04d}",
                name=f"网格{g}",
                region_id=township.code,
                geometry=outline(x + g * 0.009, y),
                centroid_lon=x + g * 0.009,
                centroid_lat=y,
                population=1000 + 37 * g,
            )
            for g in range(benchkit.grids_in_township(grids, index))
        )
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
                figures[f"measures {m} by {level}, {name} [s]"] = benchkit.median_seconds(
                    _get(client, url), repeat
                )
        cache.clear()
        figures[f"outlines built, {name} [s]"] = benchkit.median_seconds(
            lambda c=client: (cache.clear(), c.get("/api/v1/insight/map/outlines")), 3
        )
        served = client.get("/api/v1/insight/map/outlines")
        figures[f"outlines from cache, {name} [s]"] = benchkit.median_seconds(
            _get(client, "/api/v1/insight/map/outlines"), repeat
        )
        figures[f"outlines bytes (uncompressed), {name}"] = len(served.content)
    figures["baseline: overdue per grid from flow_matter [s]"] = benchkit.median_seconds(
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
        figures["generate [s]"] = benchkit.timed(lambda: build_and_generate(args))
        figures["rebuild count tables [s]"] = benchkit.timed(rebuild)
    users = {u.username: u for u in User.objects.filter(username__startswith="m-")}
    viewers = {"commission (city)": users["m-com"], "centre operator (township)": users["m-centre"]}
    with time_machine.travel(NOW, tick=True):
        figures.update(measure(viewers, args.repeat))
    return figures


def build_and_generate(args: argparse.Namespace) -> None:
    build_city(args.grids)
    generate_matters(args.matters, random.Random(2304))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--matters", type=int, default=300_000)
    parser.add_argument("--grids", type=int, default=3380)
    parser.add_argument("--repeat", type=int, default=9, help="requests per median")
    parser.add_argument("--keep", action="store_true", help="keep the database for a rerun")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with benchkit.throwaway_database(keep=args.keep):
        figures = run(args)
    benchkit.print_figures(figures, as_json=args.json, width=66, places=4)


if __name__ == "__main__":
    main()
