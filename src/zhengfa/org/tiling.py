"""Tile a district's border with grid cells (网格): seeded Voronoi cells clipped to the border.

Township and village borders are not published, so the demo places them: township
anchors fall at random inside the district, each village's anchor near its township's,
and each grid's seed point near its village's anchor. The Voronoi diagram of all the
seed points, clipped to the border, covers the district exactly once — Voronoi cells
meet only along edges and cover the plane — and every cell keeps the village of the
point that made it, so a village's cells cluster and more grids mean smaller cells.
Pure shapely + NumPy: the same seed gives the same cells.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon

from zhengfa.org.geo import polygonal_part

# How many grids a place of each kind needs relative to a rural village: urban
# communities are dense (a grid is about 300 households), farm and mine living areas
# in between. Matched on the end of the official name.
NAME_WEIGHTS: tuple[tuple[str, int], ...] = (
    ("社区", 3),
    ("居委会", 3),
    ("居民委员会", 3),
    ("生活区", 2),
    ("管理区", 2),
)
MAX_REJECTION_ROUNDS = 64
GAUSSIAN_ROUNDS = 8  # then fall back to uniform: a centre by a thin strip may keep missing


@dataclass(frozen=True)
class Village:
    code: str
    township_code: str
    grids: int


@dataclass(frozen=True)
class Cell:
    village_code: str
    geometry: Polygon | MultiPolygon


def village_weight(name: str) -> int:
    return next((w for suffix, w in NAME_WEIGHTS if name.endswith(suffix)), 1)


def allocate(total: int, weights: Sequence[int]) -> list[int]:
    """Split ``total`` over ``weights`` proportionally, at least 1 each (largest remainder)."""
    if total < len(weights):
        raise ValueError(f"{total} grids cannot give each of {len(weights)} places one")
    spare = total - len(weights)
    shares = np.asarray(weights, dtype=float) * spare / float(sum(weights))
    counts = np.floor(shares).astype(int)
    # Stable sort: equal remainders go to the earlier place, so the split is deterministic.
    order = np.argsort(-(shares - counts), kind="stable")
    counts[order[: spare - int(counts.sum())]] += 1
    return [int(c) + 1 for c in counts]


def tile_district(
    border: Polygon | MultiPolygon, villages: Sequence[Village], rng: np.random.Generator
) -> list[Cell]:
    """Cells tiling ``border``, ``village.grids`` of them for each village, in input order."""
    townships = sorted({v.township_code for v in villages})
    spread = float(np.sqrt(border.area))
    town_xy = dict(zip(townships, _sample(border, rng, len(townships)), strict=True))
    village_sigma = spread / np.sqrt(len(townships)) / 2
    grid_sigma = spread / np.sqrt(len(villages)) / 2
    points, owners = [], []
    for village in villages:
        anchor = _sample(border, rng, 1, town_xy[village.township_code], village_sigma)[0]
        points.append(_sample(border, rng, village.grids, anchor, grid_sigma))
        owners += [village.code] * village.grids
    seeds = shapely.multipoints(np.vstack(points))
    cells = shapely.voronoi_polygons(seeds, extend_to=border, ordered=True).geoms
    if len(cells) != len(owners):
        raise ValueError("two seed points coincide; use another seed")
    shapely.prepare(border)
    clipped = shapely.intersection(np.asarray(cells, dtype=object), border)
    return [Cell(o, polygonal_part(g)) for o, g in zip(owners, clipped, strict=True)]


def _sample(
    border: Polygon | MultiPolygon,
    rng: np.random.Generator,
    n: int,
    centre: np.ndarray | None = None,
    sigma: float = 0.0,
) -> np.ndarray:
    """``n`` points strictly inside ``border``: Gaussian around ``centre``, else uniform."""
    minx, miny, maxx, maxy = border.bounds
    found = np.empty((0, 2))
    for attempt in range(MAX_REJECTION_ROUNDS):
        want = 2 * (n - len(found)) + 8
        if centre is None or attempt >= GAUSSIAN_ROUNDS:
            xy = rng.uniform((minx, miny), (maxx, maxy), size=(want, 2))
        else:
            xy = rng.normal(centre, sigma, size=(want, 2))
        inside = shapely.contains_xy(border, xy[:, 0], xy[:, 1])
        found = np.vstack([found, xy[inside]])
        if len(found) >= n:
            return found[:n]
    raise ValueError("could not place points inside the border")
