"""Where a report came from: the grid containing the point, its police beat, urban or rural.

Grid polygons are loaded once into a shapely STRtree and reused until the grids change
(their count or latest id moves), so intake tests a point against a handful of candidate
polygons instead of parsing every nearby grid's GeoJSON on each report.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.db.models import Count, Max
from shapely import STRtree
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from zhengfa.flow.common import invalid
from zhengfa.org.geo import polygon_from_geojson
from zhengfa.org.models import Grid
from zhengfa.police.models import Area

RURAL_WORDS = ("村", "镇", "乡", "林场", "农场")


@dataclass
class _Index:
    version: tuple[int, int]
    tree: STRtree
    grid_ids: list[int]
    shapes: list[BaseGeometry]


_cache: dict[str, _Index] = {}


def _index() -> _Index:
    stats = Grid.objects.aggregate(n=Count("id"), last=Max("id"))
    version = (stats["n"] or 0, stats["last"] or 0)
    found = _cache.get("grids")
    if found is None or found.version != version:
        rows = list(Grid.objects.values_list("id", "geometry"))
        shapes = [polygon_from_geojson(geometry) for _, geometry in rows]
        found = _Index(version, STRtree(shapes), [pk for pk, _ in rows], shapes)
        _cache["grids"] = found
    return found


def grid_at(lon: float, lat: float) -> Grid:
    """The grid covering (lon, lat), with its beat and region; refused outside the city."""
    if not (math.isfinite(lon) and math.isfinite(lat)) or abs(lon) > 180 or abs(lat) > 90:
        raise invalid("location", "accepted: WGS-84 longitude -180..180 and latitude -90..90")
    index, point = _index(), Point(lon, lat)
    for position in index.tree.query(point):
        if index.shapes[int(position)].covers(point):
            grid = Grid.objects.select_related("beat__station", "region").get(
                pk=index.grid_ids[int(position)]
            )
            if grid.beat is None:
                raise invalid("location", f"grid {grid.code} belongs to no police beat")
            return grid
    raise invalid(
        "location",
        f"the point ({lon:.5f}, {lat:.5f}) lies outside every grid of the city; "
        "accepted: a point inside the city",
    )


def area_of(grid: Grid) -> str:
    """Urban or rural, by the name of the grid's village-level region (村/镇 → rural)."""
    name = grid.region.name
    return Area.RURAL if any(word in name for word in RURAL_WORDS) else Area.URBAN
