"""Read and check a city's divisions (CSV) and grids (GeoJSON) before anything is stored.

Checking is separate from storing so that a file is either wholly good or rejected
with every problem named: ``ImportRejected`` maps field paths (``rows[4].level``,
``features[2].geometry``) to messages that also say which line or feature and what
form is accepted. The services in ``zhengfa.org.services`` store a checked plan inside
one transaction.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from shapely.geometry import MultiPolygon, Polygon

from zhengfa.org.geo import GeometryProblem, polygon_from_geojson
from zhengfa.org.models import REGION_CODE_LENGTH, RegionLevel

DIVISION_COLUMNS = ("code", "name", "level", "parent_code")
LEVEL_ORDER = (RegionLevel.CITY, RegionLevel.COUNTY, RegionLevel.TOWNSHIP, RegionLevel.VILLAGE)
PROVINCE_CODE_LENGTH = 2  # a city's parent is its province, which the platform does not hold
MAX_ERRORS = 50
NAME_MAX = 64
GRID_CODE_MAX = 32


class ImportRejected(ValidationError):
    """The whole file is refused; ``message_dict`` maps field paths to what is wrong."""

    def __init__(self, errors: Mapping[str, list[str]]) -> None:
        super().__init__(dict(errors))


class _Errors:
    def __init__(self) -> None:
        self.by_field: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.by_field.setdefault(field, []).append(message)

    def raise_any(self) -> None:
        if self.by_field:
            raise ImportRejected(dict(list(self.by_field.items())[:MAX_ERRORS]))


# ---- divisions --------------------------------------------------------------------------


@dataclass(frozen=True)
class DivisionRow:
    code: str
    name: str
    level: str
    parent_code: str | None  # None for a city: its province is not stored


def read_divisions_csv(text: str) -> list[dict[str, str]]:
    """The rows of a ``code,name,level,parent_code`` CSV, or ImportRejected on its header."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in DIVISION_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ImportRejected(
            {
                "header": [
                    f"missing column(s) {', '.join(missing)}; the header must be "
                    f"{','.join(DIVISION_COLUMNS)}"
                ]
            }
        )
    return [{k: (v or "").strip() for k, v in row.items() if k} for row in reader]


def check_divisions(
    rows: list[dict[str, str]], existing: Mapping[str, tuple[str, str | None]]
) -> list[DivisionRow]:
    """Checked rows, parents first. ``existing``: code -> (level, parent code) in the database."""
    errors = _Errors()
    levels = {r.get("code", ""): r.get("level", "") for r in rows}
    seen: dict[str, int] = {}
    checked = []
    for index, raw in enumerate(rows):
        where = f"rows[{index}]"
        line = f"line {index + 2}"
        row = _check_division(raw, where, line, levels, existing, errors)
        if row is None:
            continue
        if row.code in seen:
            errors.add(
                f"{where}.code",
                f"{line}: duplicate code {row.code}, first on line {seen[row.code] + 2}",
            )
            continue
        seen[row.code] = index
        checked.append(row)
    errors.raise_any()
    return sorted(checked, key=lambda r: (LEVEL_ORDER.index(RegionLevel(r.level)), r.code))


def _check_division(
    raw: dict[str, str],
    where: str,
    line: str,
    levels: Mapping[str, str],
    existing: Mapping[str, tuple[str, str | None]],
    errors: _Errors,
) -> DivisionRow | None:
    code, name, level, parent = (raw.get(c, "") for c in DIVISION_COLUMNS)
    if level not in RegionLevel.values:
        errors.add(
            f"{where}.level",
            f"{line}: unknown level {level!r}; accepted: {', '.join(RegionLevel.values)}",
        )
        return None
    width = REGION_CODE_LENGTH[level]
    if not (code.isdigit() and len(code) == width):
        errors.add(
            f"{where}.code",
            f"{line}: {code!r} is not a {level} code; accepted: "
            f"{width} digits (GB/T 2260), e.g. {_example(level)}",
        )
        return None
    if not name or len(name) > NAME_MAX:
        errors.add(f"{where}.name", f"{line}: a name of 1 to {NAME_MAX} characters is required")
        return None
    ok, parent_code = _check_parent(code, level, parent, where, line, levels, existing, errors)
    if not ok:
        return None
    before = existing.get(code)
    if before is not None and before != (level, parent_code):
        errors.add(
            f"{where}.code",
            f"{line}: {code} already exists as a {before[0]} under "
            f"{before[1] or '-'}; it cannot move or change level",
        )
        return None
    return DivisionRow(code, name, level, parent_code)


def _check_parent(
    code: str,
    level: str,
    parent: str,
    where: str,
    line: str,
    levels: Mapping[str, str],
    existing: Mapping[str, tuple[str, str | None]],
    errors: _Errors,
) -> tuple[bool, str | None]:
    """Whether the parent is right, and the code to store (None for a city's province)."""
    depth = LEVEL_ORDER.index(RegionLevel(level))
    if depth == 0:
        if parent and not (
            parent.isdigit() and len(parent) == PROVINCE_CODE_LENGTH and code.startswith(parent)
        ):
            errors.add(
                f"{where}.parent_code",
                f"{line}: a city's parent_code is its 2-digit "
                f"province code (a prefix of {code}) or empty",
            )
            return False, None
        return True, None
    parent_level = LEVEL_ORDER[depth - 1]
    expected = code[: REGION_CODE_LENGTH[parent_level]]
    if parent != expected:
        errors.add(
            f"{where}.parent_code",
            f"{line}: the parent of {level} {code} must be the "
            f"{parent_level} {expected} (its code's prefix), "
            f"not {parent!r}",
        )
        return False, None
    known = levels.get(parent) or (existing[parent][0] if parent in existing else None)
    if known != parent_level:
        errors.add(
            f"{where}.parent_code",
            f"{line}: unknown {parent_level} {parent}: add it to the file or import it first",
        )
        return False, None
    return True, parent


def _example(level: str) -> str:
    return {"city": "2304", "county": "230402", "township": "230402001"}.get(level, "230402001001")


# ---- grids ------------------------------------------------------------------------------


@dataclass(frozen=True)
class GridFeature:
    code: str
    name: str
    region_code: str
    geometry: Polygon | MultiPolygon


def read_geojson(text: str) -> list[Any]:
    """The features of a GeoJSON FeatureCollection, or ImportRejected naming what is wrong."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise ImportRejected(
            {"file": [f"malformed JSON at line {e.lineno} column {e.colno}: {e.msg}"]}
        ) from e
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise ImportRejected(
            {"type": ['the file must be a GeoJSON object with "type": "FeatureCollection"']}
        )
    features = data.get("features")
    if not isinstance(features, list):
        raise ImportRejected({"features": ['"features" must be a list of GeoJSON Features']})
    return features


def check_grids(features: list[Any], region_codes: Iterable[str]) -> list[GridFeature]:
    """Checked grid features; ``region_codes``: the regions the database holds."""
    known = set(region_codes)
    errors = _Errors()
    seen: dict[str, int] = {}
    checked = []
    for index, feature in enumerate(features):
        grid = _check_feature(feature, f"features[{index}]", known, errors)
        if grid is None:
            continue
        if grid.code in seen:
            errors.add(
                f"features[{index}].properties.code",
                f"duplicate grid code {grid.code}, first in features[{seen[grid.code]}]",
            )
            continue
        seen[grid.code] = index
        checked.append(grid)
    errors.raise_any()
    return checked


def _check_feature(
    feature: Any, where: str, known: set[str], errors: _Errors
) -> GridFeature | None:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        errors.add(f"{where}.type", 'each feature must be an object with "type": "Feature"')
        return None
    props = feature.get("properties")
    if not isinstance(props, dict):
        errors.add(
            f"{where}.properties", "properties must be an object with code, name and region_code"
        )
        return None
    code, name, region = (str(props.get(k) or "").strip() for k in ("code", "name", "region_code"))
    ok = _require(code, GRID_CODE_MAX, f"{where}.properties.code", errors)
    ok &= _require(name, NAME_MAX, f"{where}.properties.name", errors)
    if region not in known:
        errors.add(
            f"{where}.properties.region_code",
            f"unknown region code {region!r}; accepted: a code already imported, e.g. 230402001001",
        )
        ok = False
    try:
        geometry = polygon_from_geojson(feature.get("geometry"))
    except GeometryProblem as e:
        errors.add(f"{where}.geometry", str(e))
        return None
    return GridFeature(code, name, region, geometry) if ok else None


def _require(value: str, longest: int, field: str, errors: _Errors) -> bool:
    if value and len(value) <= longest:
        return True
    errors.add(field, f"required, 1 to {longest} characters")
    return False
