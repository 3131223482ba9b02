"""Targets of the annual responsibility agreements (目标责任书) and their stored scores.

A ``Target`` is one line of one unit's agreement for one year: an indicator from the
catalogue (``indicators.CATALOGUE``), the value to reach, its weight and the tolerance
(how far past the target the score falls to 0). Scoring is an offline computation
(``services.scores_compute``, ``zhengfa insight score``); its results are kept as
``UnitScore`` (total and rank) with one ``IndicatorScore`` per target, each copying the
target as it was scored, so a report outlives later edits of the targets.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengfa.org.scoping import ScopedQuerySet, ScopeRule

USER = settings.AUTH_USER_MODEL
UNIT_SCOPE = ScopeRule(region="unit__region__code", unit="unit_id")


class Indicator(models.TextChoices):
    CLOSED_WITHIN_LIMIT = "closed_within_limit", _("按期办结率 Closed within the limit")
    OVERDUE = "overdue", _("超期件数 Overdue matters")
    MEDIATION_SUCCESS = "mediation_success", _("调解成功率 Mediation success")
    HAZARD_ON_TIME = "hazard_on_time", _("隐患按期整改率 Hazards rectified on time")
    SERVICE_WITHIN_PROMISE = (
        "service_within_promise",
        _("承诺时限内办结率 Service items done within the promise"),
    )
    MAJOR_CLEARANCE = (
        "major_clearance",
        _("八类主要刑事案件破案率 Clearance of the eight major types"),
    )
    INCIDENCE_CHANGE = "incidence_change", _("刑事案件发案同比变化 Criminal incidence vs last year")


class Target(models.Model):
    unit = models.ForeignKey(
        "org.Unit",
        on_delete=models.PROTECT,
        related_name="responsibility_targets",
        limit_choices_to={"is_responsible_unit": True},
    )
    year = models.PositiveSmallIntegerField(_("年度 year"))
    indicator = models.CharField(_("指标 indicator"), max_length=32, choices=Indicator.choices)
    target_value = models.DecimalField(_("目标值 target"), max_digits=8, decimal_places=2)
    weight = models.PositiveSmallIntegerField(_("权重 weight"))
    tolerance = models.DecimalField(_("容差 tolerance"), max_digits=8, decimal_places=2)
    set_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT)
    set_at = models.DateTimeField(_("设定时间 set at"))
    is_demo = models.BooleanField(default=False, editable=False)

    scope: ClassVar[ScopeRule] = UNIT_SCOPE
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["unit__code", "year", "indicator"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "indicator"], name="resp_target_once_per_unit_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year} {self.indicator}"


class UnitScore(models.Model):
    """年度考评结果: one unit's weighted total and rank among the units scored that year."""

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度 year"))
    total = models.DecimalField(_("总分 total"), max_digits=6, decimal_places=2, null=True)
    rank = models.PositiveSmallIntegerField(_("排名 rank"), null=True)
    ranked_units = models.PositiveSmallIntegerField(_("参评单位数 units ranked"))
    as_of = models.DateField(_("数据截至 data as of"))
    computed_at = models.DateTimeField(_("计分时间 computed at"))

    scope: ClassVar[ScopeRule] = UNIT_SCOPE
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["year", "rank", "unit__code"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="resp_score_once_per_unit_year")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year}: {self.total}"


class IndicatorScore(models.Model):
    """One scored line, with the target copied as it was when scored."""

    unit_score = models.ForeignKey(UnitScore, on_delete=models.CASCADE, related_name="lines")
    indicator = models.CharField(max_length=32, choices=Indicator.choices)
    target_value = models.DecimalField(max_digits=8, decimal_places=2)
    weight = models.PositiveSmallIntegerField()
    tolerance = models.DecimalField(max_digits=8, decimal_places=2)
    numerator = models.IntegerField()
    denominator = models.IntegerField(null=True)
    actual = models.DecimalField(max_digits=10, decimal_places=2, null=True)
    score = models.DecimalField(max_digits=6, decimal_places=2, null=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.score}"
