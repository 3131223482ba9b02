"""Police work: incidents (接处警), triage (警情分流), cases, duty rosters, anti-fraud.

Incidents, referrals and cases are flow ``Matter`` rows plus a one-to-one detail row here,
scoped through their matter. Response targets and triage rules are data an admin edits.
Nothing here records anyone's views or lawful complaints (mission.md, Scope).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengfa.flow.models import Matter
from zhengfa.org.models import Grid, PoliceBeat, Region, Unit, UnitKind
from zhengfa.org.scoping import Action, ScopedQuerySet, ScopeRule

USER = settings.AUTH_USER_MODEL
LOCAL_TARGET = "本地服务目标(非法定期限) local service target, not a statutory limit"


class MatterScopedQuerySet(models.QuerySet[Any]):
    """Detail rows are in scope exactly when their matter is (one scoping, in flow)."""

    def for_user(self, user: Any, action: Action = "view") -> MatterScopedQuerySet:
        return self.filter(matter__in=Matter.objects.for_user(user, action).values("pk"))


class Category(models.TextChoices):
    CRIMINAL = "criminal", _("刑事 Criminal")
    PUBLIC_ORDER = "public_order", _("治安 Public order")
    TRAFFIC = "traffic", _("交通 Traffic")
    FIRE_RESCUE = "fire_rescue", _("火灾救援 Fire and rescue")
    DISPUTE = "dispute", _("纠纷 Dispute")
    HELP = "help", _("求助 Help request")
    NON_POLICE = "non_police", _("非警务求助 Non-police service request")


class Priority(models.IntegerChoices):
    URGENT = 1, _("紧急 Urgent")
    HIGH = 2, _("较急 High")
    NORMAL = 3, _("一般 Normal")


class Area(models.TextChoices):
    URBAN = "urban", _("城区 Urban")
    RURAL = "rural", _("农村 Rural")


class IntakeChannel(models.TextChoices):
    CALL = "call", _("110电话 Emergency call")
    ONLINE = "online", _("网上报警 Online report")


class Disposition(models.TextChoices):
    POLICE = "police", _("警务处置 Police matter")
    DIVERTED = "diverted", _("分流 Diverted")


class ResponseTarget(models.Model):
    """Minutes to dispatch, arrive and close, per category and area: local service targets
    an admin sets (no statute gives minute limits for police response)."""

    category = models.CharField(_("类别 category"), max_length=16, choices=Category.choices)
    area = models.CharField(_("区域 area"), max_length=8, choices=Area.choices)
    dispatch_minutes = models.PositiveIntegerField(
        _("派警时限(分) dispatch (min)"), validators=[MinValueValidator(1)]
    )
    arrive_minutes = models.PositiveIntegerField(
        _("到场时限(分) arrival (min)"), validators=[MinValueValidator(1)]
    )
    close_minutes = models.PositiveIntegerField(
        _("处置时限(分) closure (min)"), validators=[MinValueValidator(1)]
    )
    basis = models.CharField(_("依据 basis"), max_length=200, default=LOCAL_TARGET)

    class Meta:
        verbose_name = _("出警时限目标 response target")
        verbose_name_plural = _("出警时限目标 response targets")
        constraints = [
            models.UniqueConstraint(fields=["category", "area"], name="police_target_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} / {self.get_area_display()}"


class Incident(models.Model):
    """接处警: one call or online report, where and when it came, and what became of it."""

    matter = models.OneToOneField(Matter, primary_key=True, on_delete=models.PROTECT)
    channel = models.CharField(_("来源 channel"), max_length=8, choices=IntakeChannel.choices)
    received_at = models.DateTimeField(_("接警时间 received at"), db_index=True)
    category = models.CharField(_("类别 category"), max_length=16, choices=Category.choices)
    priority = models.PositiveSmallIntegerField(_("等级 priority"), choices=Priority.choices)
    area = models.CharField(_("区域 area"), max_length=8, choices=Area.choices)
    description = models.TextField(_("警情 description"))
    lon = models.FloatField(_("经度 longitude"))
    lat = models.FloatField(_("纬度 latitude"))
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="+")
    beat = models.ForeignKey(PoliceBeat, on_delete=models.PROTECT, related_name="+")
    disposition = models.CharField(
        _("处置方式 disposition"), max_length=8, choices=Disposition.choices, blank=True
    )
    dispatched_at = models.DateTimeField(_("派警时间 dispatched at"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("到场时间 arrived at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("处置完毕 closed at"), null=True, blank=True)
    reported_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    returned_from = models.ForeignKey(
        "Referral", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_demo = models.BooleanField(default=False, editable=False)

    objects = MatterScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("警情 incident")
        verbose_name_plural = _("警情 incidents")
        indexes = [models.Index(fields=["beat", "received_at"], name="police_incident_beat_at")]

    def __str__(self) -> str:
        return f"警情 #{self.pk}"


class TargetKind(models.TextChoices):
    DEPARTMENT = "department", _("职能部门 Department")
    HOTLINE = "hotline", _("政务服务便民热线 Service hotline")
    MEDIATION = "mediation", _("矛盾纠纷调解 Mediation")


class TriageRule(models.Model):
    """警情分流规则: a report whose category is ``category`` and whose text contains one of
    ``keywords`` goes to ``target`` (lowest ``order`` first)."""

    name = models.CharField(_("名称 name"), max_length=64)
    order = models.PositiveIntegerField(_("顺序 order"), default=100)
    category = models.CharField(
        _("适用类别 category"), max_length=16, choices=Category.choices, blank=True
    )
    keywords = models.CharField(
        _("关键词 keywords"), max_length=200, help_text=_("comma-separated; one must occur")
    )
    target = models.CharField(_("分流去向 target"), max_length=16, choices=TargetKind.choices)
    unit_code = models.CharField(
        _("承办单位编码 unit code"),
        max_length=32,
        blank=True,
        help_text=_("the receiving unit (department or hotline); empty for mediation"),
    )
    reply_hours = models.PositiveIntegerField(
        _("承办时限(小时) hours to handle"),
        default=72,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 60)],
    )
    dispute_category = models.CharField(_("纠纷类别 dispute category"), max_length=32, blank=True)
    active = models.BooleanField(_("启用 active"), default=True)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("分流规则 triage rule")
        verbose_name_plural = _("分流规则 triage rules")

    def __str__(self) -> str:
        return self.name

    def keyword_list(self) -> list[str]:
        return [k.strip() for k in self.keywords.replace("，", ",").split(",") if k.strip()]

    def clean(self) -> None:
        super().clean()
        problems = rule_problems(
            self.target, self.unit_code, self.keyword_list(), self.dispute_category
        )
        if problems:
            raise ValidationError(problems)


def rule_problems(
    target: str, unit_code: str, keywords: list[str], dispute_category: str
) -> dict[str, str]:
    """What is wrong with a triage rule; empty when it can be saved."""
    problems: dict[str, str] = {}
    if not keywords:
        problems["keywords"] = "at least one keyword, comma-separated (e.g. 噪音,噪声)"
    if target not in TargetKind.values:
        problems["target"] = f"unknown target {target!r}; accepted: {', '.join(TargetKind.values)}"
    elif target == TargetKind.MEDIATION:
        if unit_code:
            problems["unit_code"] = "mediation is routed by the disputes rules: leave it empty"
        if not dispute_category:
            problems["dispute_category"] = "mediation needs a dispute category code"
    else:
        unit = Unit.objects.filter(code=unit_code).first()
        if unit is None:
            problems["unit_code"] = (
                f"no unit has the code {unit_code!r}; accepted: the code of an existing "
                "department or hotline unit"
            )
        elif unit.kind in (UnitKind.POLICE_STATION, UnitKind.POLICE_BUREAU):
            problems["unit_code"] = "a diversion leaves the police: accepted a non-police unit"
    return problems


class Referral(models.Model):
    """A diverted incident and the rule that fired. Its matter is the receiving unit's: a
    referral matter of a department or the hotline, or the dispute opened in mediation."""

    matter = models.OneToOneField(Matter, primary_key=True, on_delete=models.PROTECT)
    incident = models.OneToOneField(Incident, on_delete=models.PROTECT, related_name="referral")
    rule = models.ForeignKey(TriageRule, null=True, on_delete=models.SET_NULL, related_name="+")
    rule_label = models.CharField(_("命中规则 rule fired"), max_length=120)
    target = models.CharField(_("分流去向 target"), max_length=16, choices=TargetKind.choices)
    unit = models.ForeignKey(Unit, null=True, on_delete=models.PROTECT, related_name="+")
    caller_message = models.CharField(_("告知报警人 told the caller"), max_length=300)
    diverted_at = models.DateTimeField(_("分流时间 diverted at"))
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(_("办理结果 outcome"), blank=True)
    returned_at = models.DateTimeField(_("退回警务 returned to police"), null=True, blank=True)
    return_reason = models.CharField(max_length=300, blank=True)
    is_demo = models.BooleanField(default=False, editable=False)

    objects = MatterScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("分流转办 referral")
        verbose_name_plural = _("分流转办 referrals")

    def __str__(self) -> str:
        return f"转办 #{self.pk}"


class PublicOrderCase(models.Model):
    """治安案件 on the limit of the law in force on the day it was accepted."""

    matter = models.OneToOneField(Matter, primary_key=True, on_delete=models.PROTECT)
    incident = models.ForeignKey(Incident, null=True, blank=True, on_delete=models.PROTECT)
    accepted_on = models.DateField(_("受理日期 accepted on"))
    rule = models.CharField(_("期限规则 limit rule"), max_length=32)
    decided_on = models.DateField(_("决定日期 decided on"), null=True, blank=True)
    is_demo = models.BooleanField(default=False, editable=False)

    objects = MatterScopedQuerySet.as_manager()

    def __str__(self) -> str:
        return f"治安案件 #{self.pk}"


class CrimeType(models.TextChoices):
    HOMICIDE = "homicide", _("故意杀人 Homicide")
    ASSAULT = "assault", _("故意伤害 Assault causing injury")
    ROBBERY = "robbery", _("抢劫 Robbery")
    RAPE = "rape", _("强奸 Rape")
    KIDNAPPING = "kidnapping", _("绑架 Kidnapping")
    ARSON = "arson", _("放火 Arson")
    EXPLOSION = "explosion", _("爆炸 Explosion")
    POISONING = "poisoning", _("投放危险物质 Poisoning")
    THEFT = "theft", _("盗窃 Theft")
    BURGLARY = "burglary", _("入室盗窃 Burglary")
    FRAUD = "fraud", _("诈骗 Fraud")
    TELECOM_FRAUD = "telecom_fraud", _("电信网络诈骗 Telecom and online fraud")
    OTHER = "other", _("其他 Other")


# 八类主要刑事案件 (the eight major types named in 刑法 art. 17(2) for offenders aged 14-16).
MAJOR_TYPES = frozenset(
    {
        CrimeType.HOMICIDE,
        CrimeType.ASSAULT,
        CrimeType.ROBBERY,
        CrimeType.RAPE,
        CrimeType.KIDNAPPING,
        CrimeType.ARSON,
        CrimeType.EXPLOSION,
        CrimeType.POISONING,
    }
)


class CriminalCase(models.Model):
    matter = models.OneToOneField(Matter, primary_key=True, on_delete=models.PROTECT)
    incident = models.ForeignKey(Incident, null=True, blank=True, on_delete=models.PROTECT)
    crime_type = models.CharField(_("案件类别 type"), max_length=16, choices=CrimeType.choices)
    major = models.BooleanField(_("八类主要刑事案件 one of the eight major types"))
    registered_on = models.DateField(_("立案日期 registered on"), db_index=True)
    solved_on = models.DateField(_("破案日期 solved on"), null=True, blank=True)
    loss = models.DecimalField(
        _("损失(元) loss (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    is_demo = models.BooleanField(default=False, editable=False)

    objects = MatterScopedQuerySet.as_manager()

    def __str__(self) -> str:
        return f"刑事案件 #{self.pk}"


class ContactKind(models.TextChoices):
    PHONE = "phone", _("电话号码 Phone number")
    LINK = "link", _("网址链接 Link")
    ACCOUNT = "account", _("收款账户 Payment account")


class ScamType(models.TextChoices):
    IMPERSONATION = "impersonation", _("冒充公检法 Impersonating officials")
    REFUND = "refund", _("虚假退款 Fake refund")
    INVESTMENT = "investment", _("虚假投资理财 Fake investment")
    LOAN = "loan", _("虚假贷款 Fake loan")
    BRUSHING = "brushing", _("刷单返利 Order-brushing rebates")
    ROMANCE = "romance", _("网络交友 Romance scam")
    GAME = "game", _("游戏交易 Game trading")
    OTHER = "other", _("其他 Other")


class FraudContact(models.Model):
    """A phone number, link or payment account reported as a fraud contact, normalised.
    It keeps the number of reports, never who made them."""

    kind = models.CharField(_("类型 kind"), max_length=8, choices=ContactKind.choices)
    value = models.CharField(_("号码/链接/账户 value"), max_length=300)
    reports = models.PositiveIntegerField(_("举报次数 reports"), default=0)
    first_reported_at = models.DateTimeField()
    last_reported_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "value"], name="police_contact_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.value}"


class FraudReport(models.Model):
    """A citizen's report of a suspected fraud; the reporter is known only to the police."""

    reporter = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, to_field="code", on_delete=models.PROTECT)
    station = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    scam_type = models.CharField(_("诈骗类型 scam type"), max_length=16, choices=ScamType.choices)
    description = models.TextField(_("经过 description"))
    contacts = models.ManyToManyField(FraudContact, related_name="+")
    loss = models.DecimalField(
        _("损失(元) loss (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    case = models.ForeignKey(
        CriminalCase, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField(db_index=True)
    is_demo = models.BooleanField(default=False, editable=False)

    scope: ClassVar[ScopeRule] = ScopeRule(
        region="region__code", unit="station_id", own=("reporter_id",)
    )
    objects = ScopedQuerySet.as_manager()

    def __str__(self) -> str:
        return f"反诈举报 #{self.pk}"


class FraudWarning(models.Model):
    """A public warning about a scam type, published to a region where reports rise."""

    region = models.ForeignKey(Region, to_field="code", on_delete=models.PROTECT)
    scam_type = models.CharField(_("诈骗类型 scam type"), max_length=16, choices=ScamType.choices)
    text = models.TextField(_("预警内容 text"))
    reports_seen = models.PositiveIntegerField(_("近期举报数 recent reports"))
    published_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-published_at"]

    def __str__(self) -> str:
        return f"{self.get_scam_type_display()} @ {self.region_id}"


class Roster(models.Model):
    """A station's 4-week duty roster and patrol plan, as the solver produced it."""

    station = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField(_("起始日 starts on"))
    weeks = models.PositiveSmallIntegerField(default=4)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    expected_coverage = models.FloatField(_("预计覆盖率 expected coverage"))
    solver_status = models.CharField(max_length=16)
    solve_seconds = models.FloatField()

    scope: ClassVar[ScopeRule] = ScopeRule(region="station__region__code", unit="station_id")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.station} {self.starts_on}"


class Shift(models.Model):
    """One officer's shift: a start hour of a day, a length, the beat patrolled."""

    roster = models.ForeignKey(Roster, on_delete=models.CASCADE, related_name="shifts")
    officer = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    start_hour = models.PositiveSmallIntegerField()
    hours = models.PositiveSmallIntegerField()
    beat = models.ForeignKey(PoliceBeat, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["day", "start_hour", "beat_id"]
        indexes = [models.Index(fields=["beat", "day"], name="police_shift_beat_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.start_hour:02d}:00+{self.hours}h {self.beat_id}"
