"""Campaigns (专项行动), inspections against their checklists, hazards and their rectification.

Each hazard is a flow ``Matter`` (owner, unit, stage, the rectification clock) plus a
one-to-one ``Hazard`` row here; hazard rows and their photos are scoped through the
matter. Campaign themes and the rectification limit per severity are data an admin edits.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhengfa.flow.models import Matter
from zhengfa.org.models import REGION_CODE_LENGTH, Grid
from zhengfa.org.roles import Role, ScopeKind
from zhengfa.org.scoping import Action, Scope

USER = settings.AUTH_USER_MODEL
# Roles that plan campaigns for their region (the platform admin anywhere).
PLANNERS = frozenset({Role.COMMISSION, Role.CENTRE_OPERATOR, Role.PLATFORM_ADMIN})


class Severity(models.TextChoices):
    GENERAL = "general", _("一般 General")
    SERIOUS = "serious", _("较大 Serious")
    MAJOR = "major", _("重大 Major")


SEVERITY_RANK: dict[str, int] = {Severity.GENERAL: 1, Severity.SERIOUS: 2, Severity.MAJOR: 3}


def region_and_ancestors(code: str) -> list[str]:
    """A GB/T 2260 code and the codes of the regions above it (city, county, township)."""
    return [code[:n] for n in sorted(set(REGION_CODE_LENGTH.values())) if n <= len(code)]


class MatterScopedQuerySet(models.QuerySet[Any]):
    """Detail rows are in scope exactly when their matter is (one scoping, in flow)."""

    def for_user(self, user: Any, action: Action = "view") -> MatterScopedQuerySet:
        return self.filter(matter__in=Matter.objects.for_user(user, action).values("pk"))


class CampaignQuerySet(models.QuerySet[Any]):
    """A campaign is seen by everyone working inside its region (those of the townships
    and villages it covers included) and by those above it; it is changed by the planners
    of its region. Citizens see none."""

    def for_user(self, user: Any, action: Action = "view") -> CampaignQuerySet:
        scope = Scope.of(user)
        if scope.kind is ScopeKind.ALL:
            return self.all()
        codes = _places_of(user, scope)
        if scope.kind is None or not codes or user.role == Role.CITIZEN:
            return self.none()
        if action == "change":
            if user.role not in PLANNERS:
                return self.none()
            return self.filter(region__code__startswith=codes[0])
        condition = Q()
        for code in codes:
            above = region_and_ancestors(code)
            condition |= Q(region__code__startswith=code) | Q(region_id__in=above)
        return self.filter(condition)


def _places_of(user: Any, scope: Scope) -> list[str]:
    """The region codes a user works in: the unit's region for unit-scoped roles; the
    user's region, and for a grid worker the regions of their grids, otherwise."""
    if scope.kind is ScopeKind.UNIT:
        return [scope.unit_region_code] if scope.unit_region_code else []
    codes = [scope.region_code] if scope.region_code else []
    if scope.kind is ScopeKind.OWN:
        codes += [g.region_id for g in Grid.objects.filter(worker_id=user.pk).only("region")]
    return codes


class CampaignTheme(models.Model):
    """What a campaign is about: traffic, fire, campus surroundings, parcel logistics,
    hazardous and explosive materials, or any theme an admin adds."""

    code = models.SlugField(_("编码 code"), max_length=32, unique=True)
    name = models.CharField(_("名称 name"), max_length=64)
    name_en = models.CharField(_("英文名称 English name"), max_length=64, blank=True)
    default_items = models.JSONField(
        _("默认检查项 default checklist"), default=list, blank=True
    )  # the checklist a new campaign of this theme starts from
    active = models.BooleanField(_("启用 active"), default=True)
    order = models.PositiveSmallIntegerField(_("排序 order"), default=100)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("专项行动主题 campaign theme")
        verbose_name_plural = _("专项行动主题 campaign themes")

    def __str__(self) -> str:
        return f"{self.name} {self.name_en}".strip()


class Campaign(models.Model):
    theme = models.ForeignKey(CampaignTheme, on_delete=models.PROTECT, related_name="campaigns")
    name = models.CharField(_("名称 name"), max_length=120)
    region = models.ForeignKey(
        "org.Region", to_field="code", db_column="region_code", on_delete=models.PROTECT
    )
    starts_on = models.DateField(_("开始 starts on"))
    ends_on = models.DateField(_("结束 ends on"))
    lead_unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("牵头单位 lead")
    )
    units = models.ManyToManyField(
        "org.Unit", related_name="hazard_campaigns", verbose_name=_("责任单位 responsible units")
    )
    # The grids to cover; none named means every grid of the region.
    grids = models.ManyToManyField("org.Grid", related_name="hazard_campaigns", blank=True)
    sites = models.JSONField(_("重点场所 sites"), default=list, blank=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    is_demo = models.BooleanField(default=False, editable=False)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "-pk"]
        indexes = [models.Index(fields=["region", "starts_on"], name="hazards_campaign_when")]

    def __str__(self) -> str:
        return self.name


class ChecklistItem(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(_("检查项 item"), max_length=200)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text


class CheckResult(models.TextChoices):
    OK = "ok", _("合格 Passed")
    HAZARD = "hazard", _("发现隐患 Hazard found")
    NOT_APPLICABLE = "n_a", _("不适用 Not applicable")


class InspectionQuerySet(models.QuerySet[Any]):
    """Seen by the inspector and by whoever sees the campaign."""

    def for_user(self, user: Any, action: Action = "view") -> InspectionQuerySet:
        visible = Campaign.objects.for_user(user, "view").values("pk")
        return self.filter(Q(campaign__in=visible) | Q(inspector_id=getattr(user, "pk", None)))


class Inspection(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="inspections")
    grid = models.ForeignKey("org.Grid", on_delete=models.PROTECT, related_name="+")
    site = models.CharField(_("检查场所 site"), max_length=120)
    inspector = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("检查时间 inspected at"))
    note = models.TextField(_("备注 note"), blank=True)
    is_demo = models.BooleanField(default=False, editable=False)

    objects = InspectionQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.site} @ {self.at:%Y-%m-%d}"


class InspectionCheck(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="checks")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="+")
    result = models.CharField(max_length=8, choices=CheckResult.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["inspection", "item"], name="hazards_check_once")
        ]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.result}"


class Hazard(models.Model):
    matter = models.OneToOneField(Matter, primary_key=True, on_delete=models.PROTECT)
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="hazards")
    inspection = models.ForeignKey(
        Inspection, null=True, blank=True, on_delete=models.PROTECT, related_name="hazards"
    )
    item = models.ForeignKey(
        ChecklistItem, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    severity = models.CharField(_("等级 severity"), max_length=16, choices=Severity.choices)
    description = models.TextField(_("隐患描述 description"))
    # The organisation or site that must rectify (a shop, a school, a depot): not a person.
    responsible_party = models.CharField(_("责任主体 responsible party"), max_length=120)
    lon = models.FloatField(_("经度 longitude"))
    lat = models.FloatField(_("纬度 latitude"))
    found_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    found_at = models.DateTimeField(_("发现时间 found at"))
    is_demo = models.BooleanField(default=False, editable=False)

    objects = MatterScopedQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["severity", "found_at"], name="hazards_sev_found")]

    def __str__(self) -> str:
        return f"隐患 #{self.pk}"


class Rectification(models.Model):
    """整改: what was done, by whom; photos of the result are its evidence."""

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="rectifications")
    by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    measures = models.TextField(_("整改措施 measures taken"))

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"rectification {self.pk} of {self.hazard_id}"


class Verification(models.Model):
    """核查: passed (the hazard is closed, 销号) or failed (re-opened for rectification)."""

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="verifications")
    rectification = models.OneToOneField(
        Rectification, on_delete=models.PROTECT, related_name="verification"
    )
    by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    passed = models.BooleanField(_("合格 passed"))
    note = models.TextField(_("核查意见 note"), blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"verification {self.pk} of {self.hazard_id}: {self.passed}"


class PhotoPurpose(models.TextChoices):
    FINDING = "finding", _("隐患照片 Finding")
    EVIDENCE = "evidence", _("整改佐证 Rectification evidence")


class HazardPhoto(models.Model):
    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="photos")
    rectification = models.ForeignKey(
        Rectification, null=True, blank=True, on_delete=models.CASCADE, related_name="photos"
    )
    purpose = models.CharField(max_length=16, choices=PhotoPurpose.choices)
    image = models.FileField(upload_to="hazards/photos/%Y/%m/")
    content_type = models.CharField(max_length=32)
    size = models.PositiveIntegerField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField()

    objects = models.Manager()

    def __str__(self) -> str:
        return f"photo {self.pk} of {self.hazard_id}"


class LimitUnit(models.TextChoices):
    HOURS = "hours", _("小时 hours")
    DAYS = "days", _("日 days")
    WORKDAYS = "workdays", _("工作日 working days")


class RectificationLimit(models.Model):
    """How long a hazard of one severity has to be rectified. ``same_day``: the limit ends
    the day it is found, at ``cutoff`` local time ("隐患不过夜", no hazard left overnight)."""

    severity = models.CharField(
        _("等级 severity"), max_length=16, choices=Severity.choices, unique=True
    )
    same_day = models.BooleanField(_("当日整改 same day"), default=False)
    cutoff = models.TimeField(_("当日截止时刻 same-day cut-off"), null=True, blank=True)
    amount = models.PositiveSmallIntegerField(
        _("期限 limit"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(366)],
    )
    unit = models.CharField(
        _("单位 unit"), max_length=16, choices=LimitUnit.choices, default=LimitUnit.DAYS
    )
    legal_basis = models.CharField(_("依据 legal basis"), max_length=200)

    class Meta:
        verbose_name = _("整改期限 rectification limit")
        verbose_name_plural = _("整改期限 rectification limits")

    def __str__(self) -> str:
        if self.same_day:
            cutoff = f"{self.cutoff:%H:%M}" if self.cutoff else "—"
            return f"{self.get_severity_display()}: 当日 {cutoff}"
        return f"{self.get_severity_display()}: {self.amount} {self.unit}"

    def clean(self) -> None:
        super().clean()
        if self.same_day and self.cutoff is None:
            raise ValidationError({"cutoff": "a same-day limit needs its cut-off, e.g. 23:59"})
        if not self.same_day and not self.amount:
            raise ValidationError({"amount": "a limit needs an amount (1–366) and a unit"})
