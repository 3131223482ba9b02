"""Where a hazard is: the grid containing a point, and the unit that answers for it there."""

from __future__ import annotations

from collections.abc import Iterable

from shapely.geometry import Point

from zhengfa.flow.ladder import head_role
from zhengfa.org.geo import polygon_from_geojson
from zhengfa.org.models import REGION_CODE_LENGTH, Grid, RegionLevel, Unit, UnitKind, User

NEAR_DEGREES = 0.2  # grids whose centroid lies this close are tested for containment


def grid_at(lon: float, lat: float, grids: Iterable[Grid] | None = None) -> Grid | None:
    """The grid whose polygon covers the point, among ``grids`` (default: every grid)."""
    point = Point(lon, lat)
    near = Grid.objects.filter(
        centroid_lon__range=(lon - NEAR_DEGREES, lon + NEAR_DEGREES),
        centroid_lat__range=(lat - NEAR_DEGREES, lat + NEAR_DEGREES),
    )
    candidates = near if grids is None else grids
    return next((g for g in candidates if polygon_from_geojson(g.geometry).covers(point)), None)


def answering_unit(region_code: str, responsible: Iterable[Unit]) -> Unit | None:
    """The unit that answers for a hazard at ``region_code``: among the campaign's
    responsible units, the one whose region covers the place most closely; else the
    township's governance centre."""
    covering = [u for u in responsible if region_code.startswith(u.region_id)]
    if covering:
        return max(covering, key=lambda u: (len(u.region_id), -u.pk))
    township = region_code[: REGION_CODE_LENGTH[RegionLevel.TOWNSHIP]]
    return (
        Unit.objects.filter(kind=UnitKind.GOVERNANCE_CENTRE, region_id=township)
        .order_by("code")
        .first()
    )


def responsible_person(unit: Unit) -> User | None:
    """Who owns a hazard of ``unit``: the person in the unit's head role (None if the unit
    has nobody in it — the ledger's owner check then lists the hazard)."""
    return (
        User.objects.filter(unit=unit, role=head_role(unit), is_active=True).order_by("pk").first()
    )
