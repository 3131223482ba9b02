"""Org endpoints of /api/v1/: the current user, regions, grids (GeoJSON) and units.

Error texts are English, like every problem+json the API's own handlers write, so a
script gets the same words whatever its Accept-Language.

Every read goes through ``for_user``/``get_for_user``, so a region, grid or unit outside
the caller's scope answers exactly like one that does not exist (404, and absent from
lists). The grid list is the map's data source: it is built as text from pre-serialised
geometry, because parsing and re-dumping 3,380 polygons would dominate its cost.
"""

from __future__ import annotations

import json
import re
from typing import Any, Literal

from django.contrib.auth import authenticate
from django.db.models import F, TextField
from django.db.models.functions import Cast
from django.http import HttpRequest, HttpResponse
from django.views.decorators.gzip import gzip_page
from ninja import Field, Router, Schema, Status

from zhengfa.api import Problem, ProblemError
from zhengfa.org.models import Grid, Region, RegionLevel, Unit, UnitKind, User
from zhengfa.org.roles import ROLE_SCOPE
from zhengfa.org.scoping import get_for_user
from zhengfa.org.tokens import token_issue
from zhengfa.web import throttle

router = Router(tags=["org"])

GEOJSON_CONTENT_TYPE = "application/geo+json"
REGION_CODE = re.compile(r"^\d{4}(\d{2}(\d{3}(\d{3})?)?)?$")
REGION_CODE_FORM = "a GB/T 2260 division code of 4, 6, 9 or 12 digits, e.g. 230402"


# --- schemas ---------------------------------------------------------------------------


class NamedRef(Schema):
    code: str
    name: str


class MeOut(Schema):
    username: str
    full_name: str
    role: str
    role_label: str
    scope_kind: str | None = Field(description="all, region, unit or own")
    region: NamedRef | None
    unit: NamedRef | None


class RegionOut(Schema):
    code: str
    name: str
    level: RegionLevel
    parent_code: str | None
    population: int | None


class UnitOut(Schema):
    code: str
    name: str
    kind: UnitKind
    level: RegionLevel
    region_code: str
    parent_code: str | None
    court_code: str | None
    is_responsible_unit: bool


class GridProperties(Schema):
    code: str
    name: str
    region_code: str = Field(description="the village/community (12-digit code)")
    village: str
    township_code: str
    county_code: str
    county: str = Field(description="name of the county/district")
    population: int | None
    area_km2: float


class GridFeature(Schema):
    type: Literal["Feature"] = "Feature"
    id: str
    geometry: dict[str, Any] = Field(description="GeoJSON Polygon or MultiPolygon, WGS-84")
    properties: GridProperties


class GridCollection(Schema):
    type: Literal["FeatureCollection"] = "FeatureCollection"
    features: list[GridFeature]


class TokenIn(Schema):
    username: str = Field(min_length=1, max_length=150)
    password: str = Field(min_length=1, max_length=4096)
    label: str = Field("", max_length=64)


class TokenOut(Schema):
    token: str = Field(description="send as `Authorization: Token <token>`; shown only once")
    username: str


# --- selectors -------------------------------------------------------------------------


def _ref(obj: Region | Unit | None) -> dict[str, str] | None:
    return {"code": obj.code, "name": obj.name} if obj else None


def me_detail(user: User) -> dict[str, Any]:
    scope = ROLE_SCOPE.get(user.role)
    return {
        "username": user.username,
        "full_name": user.full_name,
        "role": user.role,
        "role_label": user.get_role_display(),
        "scope_kind": str(scope) if scope else None,
        "region": _ref(user.region),
        "unit": _ref(user.unit),
    }


def _region_row(region: Region) -> dict[str, Any]:
    return {
        "code": region.code,
        "name": region.name,
        "level": region.level,
        "parent_code": region.parent_id,
        "population": region.population,
    }


def _unit_row(unit: Unit) -> dict[str, Any]:
    return {
        "code": unit.code,
        "name": unit.name,
        "kind": unit.kind,
        "level": unit.level,
        "region_code": unit.region_id,
        "parent_code": unit.parent.code if unit.parent else None,
        "court_code": unit.court_code,
        "is_responsible_unit": unit.is_responsible_unit,
    }


def _invalid(field: str, message: str) -> ProblemError:
    errors = [{"field": field, "message": message}]
    return ProblemError(422, "Invalid input", "Some fields are not valid.", errors)


def check_region_code(value: str, field: str) -> str:
    """A well-formed code of a region that exists (codes are public: GB/T 2260)."""
    if not REGION_CODE.match(value):
        raise _invalid(field, f"Expected {REGION_CODE_FORM}; got {value!r}.")
    if not Region.objects.filter(code=value).exists():
        raise _invalid(field, f"No region has the code {value}; expected {REGION_CODE_FORM}.")
    return value


GRID_COLUMNS = (
    "code",
    "name",
    "region_id",
    "village",
    "county",
    "population",
    "area_km2",
    "geometry_text",
)


def _grid_rows(user: User, **lookup: Any) -> Any:
    return (
        Grid.objects.for_user(user)
        .filter(**lookup)
        .annotate(
            geometry_text=Cast("geometry", TextField()),
            village=F("region__name"),
            county=F("region__parent__parent__name"),
        )
        .values_list(*GRID_COLUMNS)
        .order_by("code")
    )


def _feature_json(row: tuple[Any, ...]) -> str:
    code, name, region_code, village, county, population, area, geometry_text = row
    properties = {
        "code": code,
        "name": name,
        "region_code": region_code,
        "village": village,
        "township_code": region_code[:9],
        "county_code": region_code[:6],
        "county": county,
        "population": population,
        "area_km2": round(area, 4),
    }
    head = json.dumps({"type": "Feature", "id": code}, ensure_ascii=False)[:-1]
    props = json.dumps(properties, ensure_ascii=False)
    return f'{head}, "geometry": {geometry_text}, "properties": {props}}}'


def grid_collection_json(user: User, region_prefix: str | None = None) -> str:
    """The grids in the user's scope (optionally under a region) as a FeatureCollection."""
    lookup = {"region__code__startswith": region_prefix} if region_prefix else {}
    features = ",\n".join(_feature_json(row) for row in _grid_rows(user, **lookup).iterator())
    return f'{{"type": "FeatureCollection", "features": [\n{features}\n]}}'


def grid_feature_json(user: User, code: str) -> str:
    get_for_user(Grid.objects.all(), user, code=code)  # the shared 404 if out of scope
    return _feature_json(_grid_rows(user, code=code).get())


# --- endpoints -------------------------------------------------------------------------


@router.get("/me", response=MeOut, summary="The current user, their role and scope")
def me(request: HttpRequest) -> dict[str, Any]:
    return me_detail(request.auth)  # type: ignore[attr-defined]


@router.get("/regions", response=list[RegionOut], summary="Regions in scope")
def region_list(
    request: HttpRequest, level: RegionLevel | None = None, parent: str | None = None
) -> list[dict[str, Any]]:
    regions = Region.objects.for_user(request.auth)  # type: ignore[attr-defined]
    if level:
        regions = regions.filter(level=level)
    if parent is not None:
        regions = regions.filter(parent__code=check_region_code(parent, "parent"))
    return [_region_row(region) for region in regions]


@router.get("/regions/{code}", response=RegionOut, summary="One region")
def region_detail(request: HttpRequest, code: str) -> dict[str, Any]:
    return _region_row(get_for_user(Region.objects.all(), request.auth, code=code))  # type: ignore[attr-defined]


@router.get(
    "/grids",
    response=GridCollection,
    summary="Grids in scope as a GeoJSON FeatureCollection",
    description="`region` keeps only grids under that region (a code prefix).",
    openapi_extra={"x-media-type": GEOJSON_CONTENT_TYPE},
)
@gzip_page  # 3,380 polygons are ~2.3 MB of JSON and compress about tenfold
def grid_list(request: HttpRequest, region: str | None = None) -> HttpResponse:
    prefix = check_region_code(region, "region") if region else None
    body = grid_collection_json(request.auth, prefix)  # type: ignore[attr-defined]
    return HttpResponse(body, content_type=GEOJSON_CONTENT_TYPE)


@router.get(
    "/grids/{code}",
    response=GridFeature,
    summary="One grid as a GeoJSON Feature",
    openapi_extra={"x-media-type": GEOJSON_CONTENT_TYPE},
)
def grid_detail(request: HttpRequest, code: str) -> HttpResponse:
    body = grid_feature_json(request.auth, code)  # type: ignore[attr-defined]
    return HttpResponse(body, content_type=GEOJSON_CONTENT_TYPE)


@router.get("/units", response=list[UnitOut], summary="Units in scope")
def unit_list(
    request: HttpRequest, kind: UnitKind | None = None, region: str | None = None
) -> list[dict[str, Any]]:
    units = Unit.objects.for_user(request.auth).select_related("parent")  # type: ignore[attr-defined]
    if kind:
        units = units.filter(kind=kind)
    if region:
        units = units.filter(region__code__startswith=check_region_code(region, "region"))
    return [_unit_row(unit) for unit in units]


@router.get("/units/{code}", response=UnitOut, summary="One unit")
def unit_detail(request: HttpRequest, code: str) -> dict[str, Any]:
    queryset = Unit.objects.select_related("parent")
    return _unit_row(get_for_user(queryset, request.auth, code=code))  # type: ignore[attr-defined]


@router.post(
    "/auth/token",
    auth=None,
    response={201: TokenOut, 401: Problem, 429: Problem},
    summary="Exchange a username and password for an API token",
)
def token_obtain(request: HttpRequest, payload: TokenIn) -> Status[dict[str, str]]:
    address = throttle.client_address(request)
    try:
        throttle.login_gate(payload.username, address)
    except throttle.LoginLocked as locked:
        raise ProblemError(
            429,
            "Too many failed sign-ins",
            f"This username or address is locked; try again in {locked.retry_after} s.",
            slug="login-locked",
        ) from None
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None:
        throttle.login_failed(payload.username, address)
        raise ProblemError(
            401,
            "Not authenticated",
            "The username or password is wrong, or the account is disabled.",
            slug="unauthorized",
        )
    throttle.login_succeeded(payload.username, address)
    key = token_issue(actor=user, user=user, label=payload.label or "api")  # type: ignore[arg-type]
    return Status(201, {"token": key, "username": user.get_username()})
