"""Stored detection runs and their trend alerts, the task lists issued from an alert, and
subscriptions to the weekly e-mailed report with one delivery row per subscriber and week.

An alert is about an area, not a person: its scope is the region the area lies in, so the
commission and centres of that region (and units inside it) see it; people who only see
their own matters (grid workers, citizens) see no alert.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhengfa.insight.weeks import format_week
from zhengfa.org.scoping import ScopedQuerySet, ScopeRule

USER = settings.AUTH_USER_MODEL

# Area-level labels carry a context: other apps' catalogues hold the same bilingual msgids
# ("网格 Grid", "层级 Level") and Django merges catalogues, first app wins.
AREA_CONTEXT = "insight alerts"


class AreaLevel(models.TextChoices):
    GRID = "grid", pgettext_lazy(AREA_CONTEXT, "网格 Grid")
    TOWNSHIP = "township", pgettext_lazy(AREA_CONTEXT, "乡镇街道 Township/street")
    COUNTY = "county", pgettext_lazy(AREA_CONTEXT, "县区 County/district")


class DetectionRun(models.Model):
    """One week tested over every category × area series (the worker runs it once a week
    after the week closes; ``zhengfa insight detect`` on demand)."""

    week = models.DateField(_("周 week (Monday)"), unique=True)
    ran_at = models.DateTimeField()
    series_tested = models.PositiveIntegerField(default=0)
    alpha = models.FloatField()
    control = models.CharField(max_length=16)
    level = models.FloatField(default=0.0)  # the per-series level alarms were decided at
    note = models.CharField(max_length=300, blank=True)  # e.g. why nothing could be tested

    class Meta:
        ordering = ["-week"]

    def __str__(self) -> str:
        return f"detection {self.week}"


class TrendAlert(models.Model):
    run = models.ForeignKey(DetectionRun, on_delete=models.CASCADE, related_name="alerts")
    week = models.DateField(_("周 week (Monday)"))
    category = models.CharField(_("类别 category"), max_length=48)  # the matter kind
    area_level = models.CharField(
        pgettext_lazy(AREA_CONTEXT, "层级 level"), max_length=16, choices=AreaLevel.choices
    )
    area_code = models.CharField(_("区域 area"), max_length=32)  # grid or region code
    area_name = models.CharField(_("区域名称 area name"), max_length=128)
    region_code = models.CharField(max_length=12, db_index=True)  # where the area lies
    count = models.PositiveIntegerField(_("本周数量 count"))
    expected = models.FloatField(_("期望 expected"))
    upper = models.PositiveIntegerField(_("上限 upper bound"))
    p_value = models.FloatField()
    score = models.FloatField(_("强度 score"))
    level = models.FloatField()
    baseline = models.JSONField()  # first/last week, weeks, years, trend, dispersion
    # The series up to the tested week: {"first_week", "counts", "baseline"} (indices of
    # the baseline weeks in ``counts``), for the chart.
    history = models.JSONField()
    reason_zh = models.TextField()
    reason_en = models.TextField()

    scope: ClassVar[ScopeRule] = ScopeRule(region="region_code")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-score", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["week", "area_level", "area_code", "category"],
                name="insight_alert_once_per_series_week",
            )
        ]
        indexes = [models.Index(fields=["week", "region_code"], name="insight_alert_week_region")]

    def __str__(self) -> str:
        return f"{self.area_name} {self.category} {self.week_label}"

    @property
    def week_label(self) -> str:
        return format_week(self.week)


class AlertTaskList(models.Model):
    """An alert turned into a task list: a joint analysis (联合研判) without disputes whose
    tasks are flow ``task`` matters, one per unit, each with its deadline clock."""

    alert = models.ForeignKey(TrendAlert, on_delete=models.PROTECT, related_name="task_lists")
    analysis = models.OneToOneField(
        "disputes.JointAnalysis", on_delete=models.PROTECT, related_name="trend_alert"
    )
    issued_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"tasks for alert {self.alert_id}"


class ReportKind(models.TextChoices):
    WEEKLY = "weekly", _("每周研判报告 Weekly insight report")


class AttachmentFormat(models.TextChoices):
    NONE = "", _("不附件 No attachment")
    CSV = "csv", _("CSV 表格 CSV table")
    XLSX = "xlsx", _("Excel 表格 XLSX table")


class ReportSubscription(models.Model):
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="report_subscriptions")
    report = models.CharField(
        _("报告 report"), max_length=16, choices=ReportKind.choices, default=ReportKind.WEEKLY
    )
    email = models.EmailField(_("电子邮箱 e-mail address"))
    language = models.CharField(_("语言 language"), max_length=8, choices=settings.LANGUAGES)
    attachment = models.CharField(
        _("附件 attachment"), max_length=8, choices=AttachmentFormat.choices, blank=True
    )
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "report"], name="insight_subscription_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.report}"


class ReportDelivery(models.Model):
    """A report sent: the constraint makes a second e-mail for the same week impossible."""

    subscription = models.ForeignKey(
        ReportSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    week = models.DateField()
    sent_at = models.DateTimeField()
    recipient = models.EmailField()
    alerts = models.PositiveIntegerField(default=0)
    open_matters = models.PositiveIntegerField(default=0)
    overdue_matters = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subscription", "week"], name="insight_report_once")
        ]

    def __str__(self) -> str:
        return f"report {self.week} to {self.subscription_id}"
