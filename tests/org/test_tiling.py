"""The demo city's grids tile every real district border: no gaps, no overlaps."""

from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np
import pytest
import shapely
from shapely.geometry import Polygon

from zhengfa.org.demo.geography import (
    GRIDS_PER_SCALE,
    PlannedGrid,
    hegang_borders,
    hegang_divisions,
    plan_grids,
    planned_fingerprint,
)
from zhengfa.org.tiling import Village, allocate, tile_district

SEED = 2304
# Tolerances in square degrees (1e-9 deg² ≈ 0.008 m² here): floating-point noise only.
AREA_TOLERANCE = 1e-9


@pytest.fixture(scope="module")
def plan() -> list[PlannedGrid]:
    return plan_grids(hegang_divisions(), hegang_borders(), seed=SEED)


@pytest.fixture(scope="module")
def by_district(plan: list[PlannedGrid]) -> dict[str, list[PlannedGrid]]:
    grouped: dict[str, list[PlannedGrid]] = defaultdict(list)
    for grid in plan:
        grouped[grid.village_code[:6]].append(grid)
    return grouped


def test_exactly_3380_grids_with_unique_codes(plan: list[PlannedGrid]) -> None:
    assert len(plan) == GRIDS_PER_SCALE == 3380
    assert len({g.code for g in plan}) == 3380


def test_every_district_and_village_has_grids(
    plan: list[PlannedGrid], by_district: dict[str, list[PlannedGrid]]
) -> None:
    divisions = hegang_divisions()
    villages = {d.code for d in divisions if d.level == "village"}
    assert set(by_district) == {d.code for d in divisions if d.level == "county"}
    assert {g.village_code for g in plan} == villages
    assert all(g.code.startswith(g.village_code) for g in plan)


def test_union_of_each_districts_grids_is_its_border(
    by_district: dict[str, list[PlannedGrid]],
) -> None:
    for county, border in hegang_borders().items():
        union = shapely.union_all([g.geometry for g in by_district[county]])
        assert border.symmetric_difference(union).area < AREA_TOLERANCE, county
        total = sum(g.geometry.area for g in by_district[county])
        assert abs(total - border.area) < AREA_TOLERANCE, county  # no area counted twice


def test_no_two_grids_overlap(by_district: dict[str, list[PlannedGrid]]) -> None:
    for county, grids in by_district.items():
        shapes = np.asarray([g.geometry for g in grids], dtype=object)
        left, right = shapely.STRtree(shapes).query(shapes, predicate="intersects")
        pairs = left < right
        overlap = shapely.area(shapely.intersection(shapes[left[pairs]], shapes[right[pairs]]))
        assert overlap.max(initial=0.0) < AREA_TOLERANCE, county


def test_every_grid_is_valid_and_inside_its_district(
    by_district: dict[str, list[PlannedGrid]],
) -> None:
    borders = hegang_borders()
    for county, grids in by_district.items():
        shapes = np.asarray([g.geometry for g in grids], dtype=object)
        assert shapely.is_valid(shapes).all() and not shapely.is_empty(shapes).any()
        assert {g.geometry.geom_type for g in grids} <= {"Polygon", "MultiPolygon"}
        outside = shapely.area(shapely.difference(shapes, borders[county]))
        assert outside.max() < AREA_TOLERANCE, county


def test_islands_are_covered(by_district: dict[str, list[PlannedGrid]]) -> None:
    """东山区 and 萝北县 have islands; each island lies within the union of grids."""
    borders = hegang_borders()
    for county in ("230406", "230421"):
        union = shapely.union_all([g.geometry for g in by_district[county]])
        islands = borders[county].geoms  # type: ignore[union-attr]
        assert len(islands) > 1
        for island in islands:
            assert island.difference(union).area < AREA_TOLERANCE


def test_same_seed_same_grids_other_seed_other_grids(plan: list[PlannedGrid]) -> None:
    again = plan_grids(hegang_divisions(), hegang_borders(), seed=SEED)
    other = plan_grids(hegang_divisions(), hegang_borders(), seed=SEED + 1)
    assert planned_fingerprint(again) == planned_fingerprint(plan)
    assert planned_fingerprint(other) != planned_fingerprint(plan)


def test_scale_multiplies_the_grid_count() -> None:
    divisions = hegang_divisions()
    borders = hegang_borders()
    doubled = plan_grids(divisions, borders, seed=SEED, scale=2)
    assert len(doubled) == 2 * 3380
    counts = Counter(g.village_code[:6] for g in doubled)
    assert sum(counts.values()) == 6760


def test_allocate_is_proportional_and_gives_everyone_one() -> None:
    assert allocate(10, [1, 1, 1, 1, 1]) == [2, 2, 2, 2, 2]
    assert allocate(3, [100, 1, 1]) == [1, 1, 1]
    split = allocate(3380, [3, 1, 2] * 100)
    assert sum(split) == 3380 and min(split) >= 1
    assert split[0] > split[2] > split[1]
    with pytest.raises(ValueError, match="cannot give each"):
        allocate(2, [1, 1, 1])


def test_tile_a_square_with_a_hole() -> None:
    square = Polygon([(0, 0), (1, 0), (1, 1), (0, 1)], [[(0.4, 0.4), (0.6, 0.4), (0.6, 0.6)]])
    villages = [Village("a", "t1", 5), Village("b", "t2", 7)]
    cells = tile_district(square, villages, np.random.default_rng(1))
    assert [c.village_code for c in cells] == ["a"] * 5 + ["b"] * 7
    union = shapely.union_all([c.geometry for c in cells])
    assert square.symmetric_difference(union).area < 1e-12
