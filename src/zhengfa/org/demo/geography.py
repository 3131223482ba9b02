"""The demo city's geography, pure: Hegang's real divisions and borders, generated grids.

Deterministic from the seed: each district draws from its own random stream (seed and
district code), so one district's tiling does not depend on another's.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np
from shapely.geometry import MultiPolygon, Polygon

from zhengfa.org.geo import polygon_from_geojson, to_geojson
from zhengfa.org.tiling import Cell, Village, allocate, tile_district, village_weight

GRIDS_PER_SCALE = 3380  # 两县六区 split into 3,380 grid cells (the Hegang article)
BORDER_FILE = "districts.geojson"
DIVISION_FILE = "divisions.csv"
# Synthetic resident populations by kind of place, drawn uniformly in these ranges.
POPULATION_RANGES = {3: (3000, 9000), 2: (1500, 4000), 1: (600, 2500)}


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    level: str
    parent_code: str | None


@dataclass(frozen=True)
class PlannedGrid:
    code: str
    name: str
    village_code: str
    geometry: Polygon | MultiPolygon
    population: int


def hegang_divisions() -> list[Division]:
    text = (resources.files("zhengfa.org") / "data" / "hegang" / DIVISION_FILE).read_text(
        encoding="utf-8"
    )
    return [
        Division(
            r["code"], r["name"], r["level"], r["parent_code"] if r["level"] != "city" else None
        )
        for r in csv.DictReader(text.splitlines())
    ]


def hegang_borders() -> dict[str, Polygon | MultiPolygon]:
    """County code -> its border polygon."""
    path = resources.files("zhengfa.org") / "data" / "hegang" / BORDER_FILE
    data = json.loads(path.read_text(encoding="utf-8"))
    return {
        f["properties"]["adcode"]: polygon_from_geojson(f["geometry"]) for f in data["features"]
    }


def village_populations(divisions: list[Division], seed: int) -> dict[str, int]:
    rng = np.random.default_rng([seed, 1])
    villages = [d for d in divisions if d.level == "village"]
    return {v.code: int(rng.integers(*POPULATION_RANGES[village_weight(v.name)])) for v in villages}


def plan_grids(
    divisions: list[Division],
    borders: dict[str, Polygon | MultiPolygon],
    *,
    seed: int,
    scale: int = 1,
) -> list[PlannedGrid]:
    """``GRIDS_PER_SCALE * scale`` grids tiling the districts, in code order."""
    villages = [d for d in divisions if d.level == "village"]
    counts = allocate(GRIDS_PER_SCALE * scale, [village_weight(v.name) for v in villages])
    by_county: dict[str, list[Village]] = defaultdict(list)
    for division, count in zip(villages, counts, strict=True):
        township = division.parent_code or ""
        by_county[township[:6]].append(Village(division.code, township, count))
    names = {d.code: d.name for d in villages}
    people = village_populations(divisions, seed)
    planned: list[PlannedGrid] = []
    for county in sorted(by_county):
        rng = np.random.default_rng([seed, int(county)])
        cells = tile_district(borders[county], by_county[county], rng)
        planned += _name_cells(cells, names, people, rng)
    return planned


def _name_cells(
    cells: list[Cell], names: dict[str, str], people: dict[str, int], rng: np.random.Generator
) -> list[PlannedGrid]:
    """Number each village's cells (village code + 3 digits) and share out its people."""
    by_village: dict[str, list[Cell]] = defaultdict(list)
    for cell in cells:
        by_village[cell.village_code].append(cell)
    planned = []
    for village, own in by_village.items():
        shares = rng.multinomial(people[village], rng.dirichlet(np.full(len(own), 4.0)))
        width = max(3, len(str(len(own))))
        for seq, (cell, population) in enumerate(zip(own, shares, strict=True), start=1):
            planned.append(
                PlannedGrid(
                    code=f"{village}{seq:0{width}d}",
                    name=f"{names[village]}第{seq}网格",
                    village_code=village,
                    geometry=cell.geometry,
                    population=int(population),
                )
            )
    return planned


def grids_fingerprint(grids: Iterable[tuple[str, str, dict[str, Any]]]) -> str:
    """SHA-256 over (code, village code, GeoJSON geometry) in code order: equal iff the
    tilings are, whether planned or read back from the database."""
    digest = hashlib.sha256()
    for grid in sorted(grids, key=lambda g: g[0]):
        digest.update(json.dumps(grid, sort_keys=True).encode())
    return digest.hexdigest()


def planned_fingerprint(grids: list[PlannedGrid]) -> str:
    return grids_fingerprint((g.code, g.village_code, to_geojson(g.geometry)) for g in grids)
