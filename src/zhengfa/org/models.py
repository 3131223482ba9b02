"""Regions, grids, police beats, units and people.

Region codes are GB/T 2260-style division codes (city 4 digits, county/district 6,
township/street 9, village/community 12). A code's prefix is its ancestry, so a region
subtree is ``code LIKE '230402%'``. Scoped tables point at a region by its *code*
(``to_field="code"``), so scoping by subtree needs no join.
"""

from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengfa.org.geo import GeometryProblem, area_km2, polygon_from_geojson
from zhengfa.org.roles import ROLE_SCOPE, ROLE_UNIT_KINDS, Role, ScopeKind
from zhengfa.org.scoping import ScopedQuerySet, ScopeRule


class RegionLevel(models.TextChoices):
    CITY = "city", _("市 City")
    COUNTY = "county", _("县区 County/district")
    TOWNSHIP = "township", _("乡镇街道 Township/street")
    VILLAGE = "village", _("村社区 Village/community")


REGION_CODE_LENGTH: dict[str, int] = {
    RegionLevel.CITY: 4,
    RegionLevel.COUNTY: 6,
    RegionLevel.TOWNSHIP: 9,
    RegionLevel.VILLAGE: 12,
}


class Region(models.Model):
    code = models.CharField(_("区划代码 code"), max_length=12, unique=True)
    name = models.CharField(_("名称 name"), max_length=64)
    level = models.CharField(_("层级 level"), max_length=16, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        to_field="code",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    population = models.PositiveIntegerField(_("常住人口 population"), null=True, blank=True)
    is_demo = models.BooleanField(_("演示数据 demo data"), default=False, editable=False)

    scope: ClassVar[ScopeRule] = ScopeRule(region="code", reference=True)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class UnitKind(models.TextChoices):
    COURT = "court", _("法院 Court")
    PROCURATORATE = "procuratorate", _("检察院 Procuratorate")
    POLICE_BUREAU = "police_bureau", _("公安局 Public security bureau")
    POLICE_STATION = "police_station", _("派出所 Police station")
    JUSTICE_BUREAU = "justice_bureau", _("司法局 Justice bureau")
    LETTERS_VISITS = "letters_visits", _("信访局 Letters and visits office")
    CIVIL_AFFAIRS = "civil_affairs", _("民政局 Civil affairs")
    MEDIATION_COMMITTEE = "mediation_committee", _("人民调解委员会 Mediation committee")
    MEDIATION_STUDIO = "mediation_studio", _("调解工作室 Mediation studio")
    GOVERNANCE_CENTRE = "governance_centre", _("综治中心 Governance centre")
    COMMISSION = "commission", _("政法委 Political-legal commission")
    DEPARTMENT = "department", _("其他部门 Other department")


class Unit(models.Model):
    code = models.CharField(_("单位编码 code"), max_length=32, unique=True)
    name = models.CharField(_("名称 name"), max_length=128)
    kind = models.CharField(_("类型 kind"), max_length=32, choices=UnitKind.choices)
    level = models.CharField(_("层级 level"), max_length=16, choices=RegionLevel.choices)
    region = models.ForeignKey(
        Region,
        to_field="code",
        db_column="region_code",
        on_delete=models.PROTECT,
        related_name="units",
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # 法院代字 under the SPC case-numbering rules, e.g. 黑0402; courts only.
    court_code = models.CharField(
        _("法院代字 court code"), max_length=16, unique=True, null=True, blank=True
    )
    is_responsible_unit = models.BooleanField(
        _("目标责任单位 responsible unit"),
        default=False,
        help_text=_("Signs an annual target responsibility agreement (目标责任书)."),
    )
    is_demo = models.BooleanField(_("演示数据 demo data"), default=False, editable=False)

    scope: ClassVar[ScopeRule] = ScopeRule(region="region__code", reference=True)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class PoliceBeat(models.Model):
    """警格: a police beat, covering a group of grids, served by one station."""

    code = models.CharField(_("警格编码 code"), max_length=32, unique=True)
    name = models.CharField(_("名称 name"), max_length=64)
    station = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="beats")
    region = models.ForeignKey(
        Region,
        to_field="code",
        db_column="region_code",
        on_delete=models.PROTECT,
        related_name="beats",
    )
    is_demo = models.BooleanField(_("演示数据 demo data"), default=False, editable=False)

    scope: ClassVar[ScopeRule] = ScopeRule(region="region__code", reference=True)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Grid(models.Model):
    """网格: a grid cell with its polygon, its village/community and its grid worker."""

    code = models.CharField(_("网格编码 code"), max_length=32, unique=True)
    name = models.CharField(_("名称 name"), max_length=64)
    region = models.ForeignKey(
        Region,
        to_field="code",
        db_column="region_code",
        on_delete=models.PROTECT,
        related_name="grids",
    )
    # GeoJSON geometry (Polygon or MultiPolygon), WGS-84 lon/lat.
    geometry = models.JSONField(_("边界 geometry"))
    centroid_lon = models.FloatField()
    centroid_lat = models.FloatField()
    area_km2 = models.FloatField(default=0.0)
    population = models.PositiveIntegerField(_("常住人口 population"), null=True, blank=True)
    beat = models.ForeignKey(
        PoliceBeat, null=True, blank=True, on_delete=models.SET_NULL, related_name="grids"
    )
    worker = models.ForeignKey(
        "org.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="grids"
    )
    is_demo = models.BooleanField(_("演示数据 demo data"), default=False, editable=False)

    scope: ClassVar[ScopeRule] = ScopeRule(
        region="region__code", own=("worker_id",), reference=True
    )
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def clean(self) -> None:
        """A hand-edited geometry must be a valid polygon; centroid and area follow it."""
        super().clean()
        try:
            shape = polygon_from_geojson(self.geometry)
        except GeometryProblem as e:
            raise ValidationError({"geometry": str(e)}) from e
        self.centroid_lon, self.centroid_lat = shape.centroid.x, shape.centroid.y
        self.area_km2 = area_km2(shape)


class ScopedUserManager(UserManager.from_queryset(ScopedQuerySet)):  # type: ignore[misc]
    pass


class User(AbstractUser):
    """A person with one role in one place: a unit, a region, or only their own matters."""

    full_name = models.CharField(_("姓名 name"), max_length=64, blank=True)
    role = models.CharField(_("角色 role"), max_length=32, choices=Role.choices)
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    region = models.ForeignKey(
        Region,
        to_field="code",
        db_column="region_code",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    notify_inbox = models.BooleanField(_("站内信 in-app inbox"), default=True)
    notify_email = models.BooleanField(_("电子邮件 e-mail"), default=False)
    notify_sms = models.BooleanField(_("短信 SMS"), default=False)
    is_demo = models.BooleanField(_("演示数据 demo data"), default=False, editable=False)

    scope: ClassVar[ScopeRule] = ScopeRule(
        region="region_id", unit="unit_id", own=("id",), reference=True
    )
    objects = ScopedUserManager()  # type: ignore[misc]

    def __str__(self) -> str:
        return self.full_name or self.username

    def clean(self) -> None:
        super().clean()
        check_role_scope(self.role, unit=self.unit, region_code=self.region_id)


def check_role_scope(role: str, *, unit: Unit | None, region_code: str | None) -> None:
    """Raise a ValidationError naming the field when ``role`` lacks the scope it needs."""
    if role not in ROLE_SCOPE:
        accepted = ", ".join(Role.values)
        raise ValidationError(
            {
                "role": _("未知角色 unknown role %(role)r; accepted: %(accepted)s")
                % {"role": role, "accepted": accepted}
            }
        )
    kind = ROLE_SCOPE[role]
    if kind is ScopeKind.REGION and not region_code:
        raise ValidationError(
            {
                "region": _(
                    "角色 %(role)s 需要辖区 needs a region: a GB/T 2260 code such as 2304 or 230402"
                )
                % {"role": role}
            }
        )
    if kind is ScopeKind.UNIT:
        _check_unit_fits(role, unit)


def _check_unit_fits(role: str, unit: Unit | None) -> None:
    allowed = ROLE_UNIT_KINDS.get(role)
    if unit is None:
        kinds = ", ".join(sorted(allowed)) if allowed else _("任意单位 any unit")
        raise ValidationError(
            {
                "unit": _("角色 %(role)s 需要所属单位 needs a unit (%(kinds)s)")
                % {"role": role, "kinds": kinds}
            }
        )
    if allowed and unit.kind not in allowed:
        raise ValidationError(
            {
                "unit": _(
                    "角色 %(role)s 不能属于 cannot belong to a %(kind)s unit; accepted: %(kinds)s"
                )
                % {"role": role, "kind": unit.kind, "kinds": ", ".join(sorted(allowed))}
            }
        )


class ApiToken(models.Model):
    """An API token: only its SHA-256 is stored, the key is shown once at creation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    label = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user} · {self.label or self.pk}"
