"""Which grid a point lies in (point-in-polygon against the org grids)."""

from __future__ import annotations

from shapely.geometry import Point, shape

from zhengfa.org.models import Grid

# Grids are small; a box this wide around the point holds every grid that can contain it.
SEARCH_DEGREES = 0.5


def grid_at(lon: float, lat: float) -> Grid | None:
    """The grid containing (lon, lat) in WGS-84, or None outside every grid of the city."""
    point = Point(lon, lat)
    candidates = Grid.objects.filter(
        centroid_lon__range=(lon - SEARCH_DEGREES, lon + SEARCH_DEGREES),
        centroid_lat__range=(lat - SEARCH_DEGREES, lat + SEARCH_DEGREES),
    ).only("code", "region_id", "geometry", "centroid_lon", "centroid_lat")
    nearest_first = sorted(
        candidates, key=lambda g: (g.centroid_lon - lon) ** 2 + (g.centroid_lat - lat) ** 2
    )
    return next((g for g in nearest_first if shape(g.geometry).covers(point)), None)
