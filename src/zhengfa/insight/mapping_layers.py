"""The one map's fixed layers: simplified grid outlines and service points.

The outlines change only when grids are re-imported, so the collection is built once per
scope and kept in the cache; the page then fetches only the small per-measure JSON.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from typing import Any

import shapely
from django.core.cache import cache
from shapely.geometry import mapping, shape

from zhengfa.insight.mapping import scope_key
from zhengfa.org.models import Grid, Unit, UnitKind

# About 20 m at the demo city's latitude: invisible at city zoom, a third of the bytes.
SIMPLIFY_DEGREES = 0.0002
COORDINATE_DECIMALS = 5  # ~1 m
GEOMETRY_CACHE_SECONDS = 3600
# Units the public can go to in person (服务点): governance centres (综治中心), mediation
# committees (调解委员会), police stations (派出所) and courts (法院).
SERVICE_KINDS = (
    UnitKind.GOVERNANCE_CENTRE,
    UnitKind.MEDIATION_COMMITTEE,
    UnitKind.POLICE_STATION,
    UnitKind.COURT,
)


def simplified(geometry: dict[str, Any]) -> dict[str, Any]:
    """The outline simplified (topology kept) and rounded, as GeoJSON."""
    outline = shapely.set_precision(
        shape(geometry).simplify(SIMPLIFY_DEGREES, preserve_topology=True),
        10**-COORDINATE_DECIMALS,
    )
    return mapping(outline)  # type: ignore[no-any-return]


def _feature(code: str, name: str, region: str, population: int | None, geometry: Any) -> str:
    properties = {"code": code, "name": name, "region_code": region, "population": population}
    return json.dumps(
        {"type": "Feature", "id": code, "geometry": simplified(geometry), "properties": properties},
        ensure_ascii=False,
        separators=(",", ":"),
    )


def outline_collection(user: Any) -> tuple[str, str]:
    """(GeoJSON text, ETag) of the grids in the user's scope, cached per scope."""
    key = f"insight-map-outlines:{scope_key(user)}"
    cached: tuple[str, str] | None = cache.get(key)
    if cached is not None:
        return cached
    rows = (
        Grid.objects.for_user(user)
        .order_by("code")
        .values_list("code", "name", "region_id", "population", "geometry")
    )
    body = (
        '{"type":"FeatureCollection","features":['
        + ",".join(
            _feature(code, name, str(region), people, geometry)
            for code, name, region, people, geometry in rows
        )
        + "]}"
    )
    built = (body, hashlib.sha256(body.encode()).hexdigest()[:32])
    cache.set(key, built, GEOMETRY_CACHE_SECONDS)
    return built


def service_points(user: Any) -> dict[str, Any]:
    """Service units in scope as points at the mean centre of their region's grids.

    Units carry no address coordinates, so a unit is drawn where its area is; the
    property ``approximate`` says so.
    """
    units = list(
        Unit.objects.for_user(user)
        .filter(kind__in=SERVICE_KINDS)
        .order_by("code")
        .values_list("code", "name", "kind", "region_id")
    )
    centres = _region_centres(user, {str(region) for *_, region in units})
    features = [
        {
            "type": "Feature",
            "id": code,
            "geometry": {"type": "Point", "coordinates": list(centres[str(region)])},
            "properties": {"name": name, "kind": kind, "kind_label": str(UnitKind(kind).label)},
        }
        for code, name, kind, region in units
        if str(region) in centres
    ]
    return {"type": "FeatureCollection", "approximate": True, "features": features}


def _region_centres(user: Any, regions: set[str]) -> dict[str, tuple[float, float]]:
    """Mean grid centroid under each region code (one pass over the grids' centroids)."""
    if not regions:
        return {}
    lengths = {len(code) for code in regions}
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    centroids = Grid.objects.for_user(user).values_list("region_id", "centroid_lon", "centroid_lat")
    for region_code, lon, lat in centroids.iterator():
        region = str(region_code)
        for length in lengths:
            if region[:length] in regions:
                total = sums[region[:length]]
                total[0], total[1], total[2] = total[0] + lon, total[1] + lat, total[2] + 1
    return {code: (round(s[0] / s[2], 5), round(s[1] / s[2], 5)) for code, s in sums.items()}
