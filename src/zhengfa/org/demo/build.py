"""``demo_city_build``: write the planned demo city in one transaction, with one audit row.

Everything is planned first (pure, deterministic from the seed), then bulk-inserted level
by level so each row's parent already has its id. Every row is flagged ``is_demo``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import models, transaction
from faker import Faker

from zhengfa.audit.services import audit_record
from zhengfa.org.demo.geography import (
    Division,
    PlannedGrid,
    hegang_borders,
    hegang_divisions,
    plan_grids,
    planned_fingerprint,
    village_populations,
)
from zhengfa.org.demo.hooks import run_demo_builders
from zhengfa.org.demo.people import PlannedPerson, demo_password, plan_people
from zhengfa.org.demo.units import PlannedUnit, plan_units, station_of
from zhengfa.org.geo import area_km2, to_geojson
from zhengfa.org.importers import LEVEL_ORDER
from zhengfa.org.models import Grid, PoliceBeat, Region, Unit, User
from zhengfa.org.roles import Role

GRIDS_PER_BEAT = 6  # a police beat (警格) covers a handful of neighbouring grids
BATCH = 1000
MAX_SCALE = 50
M = TypeVar("M", bound=models.Model)


class Progress(Protocol):
    def stage(self, label: str, total: int) -> None: ...
    def advance(self, amount: int = 1) -> None: ...


class _Silent:
    def stage(self, label: str, total: int) -> None:
        return None

    def advance(self, amount: int = 1) -> None:
        return None


@dataclass(frozen=True)
class DemoCity:
    seed: int
    scale: int
    counts: dict[str, int]
    fingerprint: str


class DemoRefused(ValidationError):
    """The demo city cannot be built here (bad argument, or a city is already loaded)."""


@transaction.atomic
def demo_city_build(
    *, actor: User | None, seed: int, scale: int = 1, progress: Progress | None = None
) -> DemoCity:
    """Build the Hegang demo city into an empty database; all or nothing."""
    if not 1 <= scale <= MAX_SCALE:
        raise DemoRefused({"scale": f"--scale must be an integer from 1 to {MAX_SCALE}"})
    if Region.objects.exists():
        raise DemoRefused(
            {"database": "regions are already loaded; use --if-empty, or an empty database"}
        )
    bar = progress or _Silent()
    divisions, grids = _plan_geography(seed, scale, bar)
    faker = Faker("zh_CN")
    faker.seed_instance(seed)
    units = plan_units(divisions, iter(faker.name, None))
    people = plan_people(divisions, units, grids, faker.name)
    regions = _write_regions(divisions, seed, bar)
    unit_ids = _write_units(units, bar)
    user_ids = _write_people(people, unit_ids, bar)
    beats = _write_beats(divisions, grids, unit_ids, bar)
    _write_grids(grids, people, user_ids, beats, bar)
    counts = _counts(regions, units, people, beats, grids)
    counts.update(run_demo_builders(seed, bar))  # the domain apps' demo history
    city = DemoCity(seed, scale, counts, planned_fingerprint(grids))
    audit_record(
        actor=actor,
        action="org.demo_build",
        new={"seed": seed, "scale": scale, "counts": city.counts, "fingerprint": city.fingerprint},
    )
    return city


def _plan_geography(
    seed: int, scale: int, bar: Progress
) -> tuple[list[Division], list[PlannedGrid]]:
    bar.stage("划分网格 tiling districts", 1)
    divisions = hegang_divisions()
    grids = plan_grids(divisions, hegang_borders(), seed=seed, scale=scale)
    bar.advance()
    return divisions, grids


def _bulk(model: type[M], rows: Sequence[M], bar: Progress, label: str) -> list[M]:
    bar.stage(label, len(rows))
    saved: list[M] = []
    for start in range(0, len(rows), BATCH):
        chunk = rows[start : start + BATCH]
        saved += model._default_manager.bulk_create(chunk)
        bar.advance(len(chunk))
    return saved


def _write_regions(divisions: list[Division], seed: int, bar: Progress) -> int:
    people = _populations(divisions, seed)
    ordered = sorted(divisions, key=lambda d: LEVEL_ORDER.index(d.level))  # type: ignore[arg-type]
    rows = [
        Region(
            code=d.code,
            name=d.name,
            level=d.level,
            parent_id=d.parent_code,
            population=people[d.code],
            is_demo=True,
        )
        for d in ordered
    ]
    return len(_bulk(Region, rows, bar, "行政区划 regions"))


def _populations(divisions: list[Division], seed: int) -> dict[str, int]:
    """Village populations, summed up the tree."""
    totals: dict[str, int] = defaultdict(int)
    for code, people in village_populations(divisions, seed).items():
        for width in (12, 9, 6, 4):
            totals[code[:width]] += people
    return totals


def _write_units(units: list[PlannedUnit], bar: Progress) -> dict[str, int]:
    """Insert the units, then point each at its parent; returns code -> id."""
    rows = [
        Unit(
            code=u.code,
            name=u.name,
            kind=u.kind,
            level=u.level,
            region_id=u.region_code,
            court_code=u.court_code,
            is_responsible_unit=u.is_responsible_unit,
            is_demo=True,
        )
        for u in units
    ]
    saved = _bulk(Unit, rows, bar, "单位 units")
    ids = {unit.code: unit.pk for unit in saved}
    for unit, planned in zip(saved, units, strict=True):
        unit.parent_id = ids[planned.parent_code] if planned.parent_code else None
    Unit.objects.bulk_update([u for u in saved if u.parent_id], ["parent"], batch_size=BATCH)
    return ids


def _write_people(
    people: list[PlannedPerson], unit_ids: dict[str, int], bar: Progress
) -> dict[str, int]:
    """Insert users; only demo logins get a usable password. Returns username -> id."""
    unusable = make_password(None)  # one "!…" marker: nobody logs in as generated staff
    rows = [
        User(
            username=p.username,
            full_name=p.full_name,
            role=p.role,
            unit_id=unit_ids[p.unit_code] if p.unit_code else None,
            region_id=p.region_code,
            password=make_password(demo_password(p.role)) if p.is_login else unusable,
            is_staff=p.role == Role.PLATFORM_ADMIN,
            is_superuser=p.role == Role.PLATFORM_ADMIN,
            is_demo=True,
        )
        for p in people
    ]
    return {u.username: u.pk for u in _bulk(User, rows, bar, "人员 people")}


def _write_beats(
    divisions: list[Division], grids: list[PlannedGrid], unit_ids: dict[str, int], bar: Progress
) -> dict[str, int]:
    """A police beat per run of GRIDS_PER_BEAT grids of a township. Returns grid code -> id."""
    townships = [d for d in divisions if d.level == "township"]
    by_township: dict[str, list[PlannedGrid]] = defaultdict(list)
    for grid in grids:
        by_township[grid.village_code[:9]].append(grid)
    rows, members = [], []
    for township in townships:
        own = by_township[township.code]
        station = unit_ids[station_of(township.code, townships)]
        for n, start in enumerate(range(0, len(own), GRIDS_PER_BEAT), start=1):
            rows.append(
                PoliceBeat(
                    code=f"{township.code}J{n:03d}",
                    name=f"{township.name}第{n}警格",
                    station_id=station,
                    region_id=township.code,
                    is_demo=True,
                )
            )
            members.append(own[start : start + GRIDS_PER_BEAT])
    saved = _bulk(PoliceBeat, rows, bar, "警格 police beats")
    return {g.code: beat.pk for beat, run in zip(saved, members, strict=True) for g in run}


def _write_grids(
    grids: list[PlannedGrid],
    people: list[PlannedPerson],
    user_ids: dict[str, int],
    beats: dict[str, int],
    bar: Progress,
) -> None:
    workers = {p.grid_code: user_ids[p.username] for p in people if p.grid_code}
    rows = []
    for grid in grids:
        centroid = grid.geometry.centroid
        rows.append(
            Grid(
                code=grid.code,
                name=grid.name,
                region_id=grid.village_code,
                geometry=to_geojson(grid.geometry),
                centroid_lon=centroid.x,
                centroid_lat=centroid.y,
                area_km2=area_km2(grid.geometry),
                population=grid.population,
                beat_id=beats[grid.code],
                worker_id=workers[grid.code],
                is_demo=True,
            )
        )
    _bulk(Grid, rows, bar, "网格 grids")


def _counts(
    regions: int,
    units: list[PlannedUnit],
    people: list[PlannedPerson],
    beats: dict[str, int],
    grids: list[PlannedGrid],
) -> dict[str, int]:
    return {
        "regions": regions,
        "units": len(units),
        "people": len(people),
        "beats": len(set(beats.values())),
        "grids": len(grids),
        "responsible_units": sum(u.is_responsible_unit for u in units),
    }
