"""Writes to the organisation model. Each is all or nothing and leaves an audit row.

Bulk loads (a city's divisions, its grids, the demo city) write one audit row for the
load, naming what it created and the old values of what it changed; single records
write one row each.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction

from zhengfa.audit.services import audit_record, model_diff, model_snapshot
from zhengfa.org.geo import area_km2, to_geojson
from zhengfa.org.importers import check_divisions, check_grids
from zhengfa.org.models import Grid, Region, Unit, User
from zhengfa.org.roles import Role


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int


@transaction.atomic
def divisions_import(*, actor: User | None, rows: list[dict[str, str]]) -> ImportResult:
    """Create new regions and rename existing ones; refuse the whole file on any bad row."""
    existing: dict[str, tuple[str, str | None]] = {
        code: (level, parent)
        for code, level, parent in Region.objects.values_list("code", "level", "parent__code")
    }
    checked = check_divisions(rows, existing)
    names = dict(
        Region.objects.filter(code__in=[r.code for r in checked]).values_list("code", "name")
    )
    new = [r for r in checked if r.code not in names]
    renamed = [r for r in checked if r.code in names and names[r.code] != r.name]
    Region.objects.bulk_create(  # parents first, as check_divisions orders them
        [Region(code=r.code, name=r.name, level=r.level, parent_id=r.parent_code) for r in new],
        batch_size=500,
    )
    for row in renamed:
        Region.objects.filter(code=row.code).update(name=row.name)
    audit_record(
        actor=actor,
        action="org.divisions_import",
        old={"names": {r.code: names[r.code] for r in renamed}},
        new={"created": [r.code for r in new], "names": {r.code: r.name for r in renamed}},
    )
    return ImportResult(created=len(new), updated=len(renamed))


@transaction.atomic
def grids_import(*, actor: User | None, features: list[Any]) -> ImportResult:
    """Create or reshape grids from GeoJSON features; refuse all on any bad feature."""
    checked = check_grids(features, Region.objects.values_list("code", flat=True))
    before = {g.code: g for g in Grid.objects.filter(code__in=[f.code for f in checked])}
    created: list[Grid] = []
    changed: list[Grid] = []
    for feature in checked:
        grid = before.get(feature.code) or Grid(code=feature.code)
        grid.name, grid.region_id = feature.name, feature.region_code
        grid.geometry = to_geojson(feature.geometry)
        centroid = feature.geometry.centroid
        grid.centroid_lon, grid.centroid_lat = centroid.x, centroid.y
        grid.area_km2 = area_km2(feature.geometry)
        (changed if grid.pk else created).append(grid)
    Grid.objects.bulk_create(created, batch_size=500)
    Grid.objects.bulk_update(
        changed,
        ["name", "region", "geometry", "centroid_lon", "centroid_lat", "area_km2"],
        batch_size=500,
    )
    audit_record(
        actor=actor,
        action="org.grids_import",
        old={"grids": {g.code: _grid_summary(before[g.code]) for g in changed}},
        new={
            "created": [g.code for g in created],
            "grids": {g.code: _grid_summary(g) for g in changed},
        },
    )
    return ImportResult(created=len(created), updated=len(changed))


def _grid_summary(grid: Grid) -> dict[str, Any]:
    return {"name": grid.name, "region": grid.region_id, "area_km2": round(grid.area_km2, 6)}


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    role: str,
    unit: Unit | None = None,
    region: Region | str | None = None,
    full_name: str = "",
    password: str | None = None,
    is_staff: bool = False,
) -> User:
    """A new user whose role has the scope it needs (ValidationError naming the field)."""
    user = User(
        username=username,
        role=role,
        unit=unit,
        full_name=full_name,
        region_id=_region_code(region),
        is_staff=is_staff or role == Role.PLATFORM_ADMIN,
    )
    user.is_superuser = role == Role.PLATFORM_ADMIN
    user.full_clean(exclude=["password"])  # before hashing: argon2 is slow by design
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    audit_record(actor=actor, action="org.user_create", subject=user, new=_snapshot(user))
    return user


def _region_code(region: Region | str | None) -> str | None:
    if region is None or isinstance(region, Region):
        return region.code if region else None
    if not Region.objects.filter(code=region).exists():
        raise ValidationError(
            {
                "region": f"unknown region code {region!r}; accepted: a GB/T "
                "2260 code already imported, e.g. 2304 or 230402"
            }
        )
    return region


# Never copied into the audit log, even hashed.
PRIVATE_FIELDS = frozenset({"password"})


def _snapshot(obj: models.Model) -> dict[str, Any]:
    return {k: v for k, v in model_snapshot(obj).items() if k not in PRIVATE_FIELDS}


@transaction.atomic
def record_save(*, actor: User, obj: models.Model, reason: str = "") -> None:
    """Save one org record edited by hand (the admin), auditing the values that changed."""
    before = None
    if obj.pk is not None:
        stored = type(obj)._default_manager.filter(pk=obj.pk).first()
        before = _snapshot(stored) if stored is not None else None
    obj.save()
    old, new = model_diff(before, _snapshot(obj))
    verb = "change" if before is not None else "create"
    audit_record(
        actor=actor,
        action=f"{obj._meta.label_lower}.{verb}",
        subject=obj,
        old=old,
        new=new,
        reason=reason,
    )


@transaction.atomic
def record_delete(*, actor: User, obj: models.Model, reason: str = "") -> None:
    """Delete one org record by hand (the admin); the audit row keeps its last values."""
    audit_record(
        actor=actor,
        action=f"{obj._meta.label_lower}.delete",
        subject=obj,
        old=_snapshot(obj),
        reason=reason,
    )
    obj.delete()
