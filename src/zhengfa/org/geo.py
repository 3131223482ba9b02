"""GeoJSON polygons through shapely: parse and validate, measure, serialise.

Coordinates are WGS-84 lon/lat degrees. Areas in km² use a local equirectangular
projection around the shape's centroid: within a district (< 150 km across) the error
is well under 1 %, which is all a grid's area is used for (density, display).
"""

from __future__ import annotations

import math
from typing import Any

import shapely
from shapely.geometry import MultiPolygon, Polygon, mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

POLYGONAL_TYPES = ("Polygon", "MultiPolygon")
KM_PER_DEGREE = 111.32  # one degree of latitude (and of longitude at the equator), in km


class GeometryProblem(ValueError):
    """A GeoJSON geometry that cannot be a grid: the message says why and what is accepted."""


def polygon_from_geojson(obj: Any) -> Polygon | MultiPolygon:
    """A valid Polygon or MultiPolygon from a GeoJSON geometry object, or GeometryProblem."""
    if not isinstance(obj, dict) or obj.get("type") not in POLYGONAL_TYPES:
        found = obj.get("type") if isinstance(obj, dict) else type(obj).__name__
        raise GeometryProblem(f"expected a GeoJSON Polygon or MultiPolygon, found {found!r}")
    _check_rings_closed(obj)
    try:
        geom = shape(obj)
    except (TypeError, ValueError, IndexError, AttributeError, shapely.errors.GEOSException) as e:
        raise GeometryProblem(f"malformed {obj['type']} coordinates ({e})") from e
    if geom.is_empty:
        raise GeometryProblem("the polygon is empty")
    if not geom.is_valid:
        raise GeometryProblem(
            f"invalid ring: {explain_validity(geom)}; rings must be closed and must not "
            "cross themselves or each other"
        )
    assert isinstance(geom, Polygon | MultiPolygon)
    return geom


def _check_rings_closed(obj: dict[str, Any]) -> None:
    """RFC 7946 §3.1.6: a ring has 4+ positions and ends where it starts (shapely would
    close an open ring silently, hiding a truncated file)."""
    polygons = obj.get("coordinates")
    if obj["type"] == "Polygon":
        polygons = [polygons]
    if not isinstance(polygons, list) or not all(isinstance(p, list) for p in polygons):
        raise GeometryProblem(f"malformed {obj['type']} coordinates: expected nested lists")
    for polygon in polygons:
        for ring in polygon:
            if not isinstance(ring, list) or len(ring) < 4 or ring[0] != ring[-1]:
                raise GeometryProblem(
                    f"malformed {obj['type']} coordinates: every linear ring needs 4 or more "
                    "positions and must end where it starts (RFC 7946 §3.1.6)"
                )


def polygonal_part(geom: BaseGeometry) -> Polygon | MultiPolygon:
    """Only the areas of ``geom``: clipping can leave stray lines or points along edges."""
    if isinstance(geom, Polygon | MultiPolygon):
        return geom
    parts = [g for g in getattr(geom, "geoms", []) if isinstance(g, Polygon) and not g.is_empty]
    return parts[0] if len(parts) == 1 else MultiPolygon(parts)


def area_km2(geom: BaseGeometry) -> float:
    lat = geom.centroid.y
    return float(geom.area * KM_PER_DEGREE**2 * math.cos(math.radians(lat)))


def to_geojson(geom: BaseGeometry) -> dict[str, Any]:
    """A plain GeoJSON dict (lists, not tuples) that survives a JSON round trip unchanged."""
    return _listify(mapping(geom))


def _listify(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _listify(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_listify(v) for v in value]
    return value
