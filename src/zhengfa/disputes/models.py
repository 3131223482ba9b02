"""Disputes (矛盾纠纷), routing rules (三调), "1+4+N" limits, joint analysis, petitions (信访).

Each dispute and each petition is a flow ``Matter`` (owner, unit, stage, clocks) plus a
one-to-one detail row here; detail rows are scoped through their matter. Categories,
routing rules and the mediation limit per level are data an admin edits.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhengfa.flow.models import Matter
from zhengfa.org.models import RegionLevel, UnitKind
from zhengfa.org.roles import Role
from zhengfa.org.scoping import Action, ScopedQuerySet, ScopeRule

USER = settings.AUTH_USER_MODEL
COURT_ROLES = frozenset(
    {Role.COURT_REGISTRAR, Role.JUDGE, Role.DIVISION_PRESIDENT, Role.COURT_PRESIDENT}
)


class Severity(models.TextChoices):
    GENERAL = "general", _("一般 General")
    SERIOUS = "serious", _("较大 Serious")
    MAJOR = "major", _("重大 Major")


SEVERITY_RANK = {Severity.GENERAL: 1, Severity.SERIOUS: 2, Severity.MAJOR: 3}


class Way(models.TextChoices):
    """三调工作法: the three ways to mediate."""

    ON_THE_SPOT = "on_the_spot", _("当场调 Settled on the spot")
    BY_PLACE = "by_place", _("属地调 By place")
    BY_SUBJECT = "by_subject", _("属事调 By subject")


class Channel(models.TextChoices):
    GRID = "grid", _("网格员上报 Grid worker")
    PORTAL = "portal", _("群众网上反映 Citizen portal")
    DESK = "desk", _("中心窗口 Centre desk")
    POLICE = "police", _("警情分流 Diverted by the police")


class Department(models.TextChoices):
    """The "N" departments a dispute can be routed to by subject (属事调)."""

    JUSTICE = "justice", _("司法行政 Justice")
    POLICE = "police", _("公安 Police")
    LETTERS_VISITS = "letters_visits", _("信访 Letters and visits")
    CIVIL_AFFAIRS = "civil_affairs", _("民政 Civil affairs")
    HUMAN_RESOURCES = "human_resources", _("人力资源和社会保障 Human resources")
    HOUSING = "housing", _("住房和城乡建设 Housing")
    MARKET = "market", _("市场监督管理 Market regulation")


# How a department is recognised among units: its kind and, for the generic kind
# "department", a word of its name (the demo city and imported cities name them so).
DEPARTMENT_UNITS: dict[str, tuple[tuple[str, ...], str]] = {
    Department.JUSTICE: ((UnitKind.JUSTICE_BUREAU,), ""),
    Department.POLICE: ((UnitKind.POLICE_STATION, UnitKind.POLICE_BUREAU), ""),
    Department.LETTERS_VISITS: ((UnitKind.LETTERS_VISITS,), ""),
    Department.CIVIL_AFFAIRS: ((UnitKind.CIVIL_AFFAIRS,), ""),
    Department.HUMAN_RESOURCES: ((UnitKind.DEPARTMENT,), "人力资源"),
    Department.HOUSING: ((UnitKind.DEPARTMENT,), "住房"),
    Department.MARKET: ((UnitKind.DEPARTMENT,), "市场监督"),
}


class Outcome(models.TextChoices):
    AGREEMENT = "agreement", _("达成协议 Agreement")
    PARTIAL = "partial", _("部分达成 Partial agreement")
    FAILED = "failed", _("调解不成 Failed")


class Referral(models.TextChoices):
    LITIGATION = "litigation", _("诉讼 Litigation")
    ARBITRATION = "arbitration", _("仲裁 Arbitration")
    ADMINISTRATIVE = "administrative", _("行政途径 Administrative route")


class Satisfaction(models.IntegerChoices):
    VERY_UNSATISFIED = 1, _("很不满意 Very unsatisfied")
    UNSATISFIED = 2, _("不满意 Unsatisfied")
    NEUTRAL = 3, _("基本满意 Fairly satisfied")
    SATISFIED = 4, _("满意 Satisfied")
    VERY_SATISFIED = 5, _("非常满意 Very satisfied")


class MatterScopedQuerySet(models.QuerySet[Any]):
    """Detail rows are in scope exactly when their matter is (one scoping, in flow)."""

    def for_user(self, user: Any, action: Action = "view") -> MatterScopedQuerySet:
        return self.filter(matter__in=Matter.objects.for_user(user, action).values("pk"))


class DisputeCategory(models.Model):
    code = models.SlugField(_("编码 code"), max_length=32, unique=True)
    name = models.CharField(_("名称 name"), max_length=64)
    name_en = models.CharField(_("英文名称 English name"), max_length=64, blank=True)
    active = models.BooleanField(_("启用 active"), default=True)
    order = models.PositiveSmallIntegerField(_("排序 order"), default=100)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("纠纷类别 dispute category")
        verbose_name_plural = _("纠纷类别 dispute categories")

    def __str__(self) -> str:
        return f"{self.name} {self.name_en}".strip()


class LevelLimit(models.Model):
    """How long a mediation organisation of one level has before the matter goes one level
    up. The statute's ceiling is one month (人民调解工作若干规定, 司法部令第75号 2002, art. 33:
    "一般在一个月内调结"); a city may set shorter limits for the lower levels."""

    level = models.CharField(
        _("层级 level"), max_length=16, choices=RegionLevel.choices, unique=True
    )
    amount = models.PositiveSmallIntegerField(
        _("期限 limit"), validators=[MinValueValidator(1), MaxValueValidator(366)]
    )
    unit = models.CharField(
        _("单位 unit"),
        max_length=16,
        choices=[
            ("days", _("日 days")),
            ("workdays", _("工作日 working days")),
            ("months", _("月 months")),
        ],
        default="days",
    )
    legal_basis = models.CharField(_("依据 legal basis"), max_length=200)

    class Meta:
        verbose_name = _("调解期限 mediation limit")
        verbose_name_plural = _("调解期限 mediation limits")

    def __str__(self) -> str:
        return f"{self.get_level_display()}: {self.amount} {self.unit}"


class RoutingRule(models.Model):
    """One row of the routing table: conditions (category × severity × amount × parties)
    and the way and level they lead to. Rules are tried by ``priority`` (lowest first);
    the first whose every condition holds fires, and the decision records it."""

    priority = models.PositiveSmallIntegerField(_("优先级 priority"), default=100)
    name = models.CharField(_("名称 name"), max_length=100)
    category = models.ForeignKey(
        DisputeCategory,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name=_("类别 category (blank: any)"),
    )
    min_severity = models.CharField(
        _("最低严重程度 minimum severity"), max_length=16, choices=Severity.choices, blank=True
    )
    max_severity = models.CharField(
        _("最高严重程度 maximum severity"), max_length=16, choices=Severity.choices, blank=True
    )
    min_amount = models.DecimalField(
        _("最低标的额 minimum amount (yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
    )
    max_amount = models.DecimalField(
        _("最高标的额 maximum amount (yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
    )
    min_parties = models.PositiveSmallIntegerField(
        _("最少当事人 minimum parties"), null=True, blank=True
    )
    max_parties = models.PositiveSmallIntegerField(
        _("最多当事人 maximum parties"), null=True, blank=True
    )
    way = models.CharField(_("方式 way"), max_length=16, choices=Way.choices)
    level = models.CharField(
        _("层级 level"), max_length=16, choices=RegionLevel.choices, blank=True
    )
    department = models.CharField(
        _("部门 department"), max_length=32, choices=Department.choices, blank=True
    )
    active = models.BooleanField(_("启用 active"), default=True)

    class Meta:
        ordering = ["priority", "pk"]
        verbose_name = _("分流规则 routing rule")
        verbose_name_plural = _("分流规则 routing rules")

    def __str__(self) -> str:
        return f"#{self.priority} {self.name}"

    def clean(self) -> None:
        super().clean()
        errors = routing_rule_problems(self)
        if errors:
            raise ValidationError(errors)


def routing_rule_problems(rule: RoutingRule) -> dict[str, str]:
    """What makes a rule route nowhere or match nothing, by field."""
    errors: dict[str, str] = {}
    if rule.way == Way.BY_PLACE and not rule.level:
        errors["level"] = "属地调 needs a level: village, township, county or city"
    if rule.way == Way.BY_SUBJECT and not rule.department:
        errors["department"] = "属事调 needs a department; accepted: " + ", ".join(
            Department.values
        )
    if rule.way == Way.BY_SUBJECT and not rule.level:
        errors["level"] = "属事调 needs the level of the department: township, county or city"
    if rule.way == Way.ON_THE_SPOT and (rule.department or rule.level):
        errors["way"] = "当场调 is settled where reported: leave level and department empty"
    pairs = (
        ("max_amount", rule.min_amount, rule.max_amount),
        ("max_parties", rule.min_parties, rule.max_parties),
    )
    for field, low, high in pairs:
        if low is not None and high is not None and high < low:
            errors[field] = "the maximum is below the minimum: the rule would match nothing"
    low_rank = SEVERITY_RANK.get(rule.min_severity, 1)  # type: ignore[call-overload]
    high_rank = SEVERITY_RANK.get(rule.max_severity, 3)  # type: ignore[call-overload]
    if high_rank < low_rank:
        errors["max_severity"] = "the maximum severity is below the minimum"
    return errors


class Dispute(models.Model):
    matter = models.OneToOneField(Matter, primary_key=True, on_delete=models.PROTECT)
    category = models.ForeignKey(DisputeCategory, on_delete=models.PROTECT)
    severity = models.CharField(_("严重程度 severity"), max_length=16, choices=Severity.choices)
    amount = models.DecimalField(
        _("标的额 amount (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    description = models.TextField(_("情况 description"))
    channel = models.CharField(_("来源 channel"), max_length=16, choices=Channel.choices)
    reported_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(_("登记时间 reported at"))
    lon = models.FloatField(_("经度 longitude"), null=True, blank=True)
    lat = models.FloatField(_("纬度 latitude"), null=True, blank=True)
    way = models.CharField(_("方式 way"), max_length=16, choices=Way.choices, blank=True)
    level = models.CharField(
        _("层级 level"), max_length=16, choices=RegionLevel.choices, blank=True
    )
    department = models.CharField(max_length=32, choices=Department.choices, blank=True)
    outcome = models.CharField(
        _("调解结果 outcome"), max_length=16, choices=Outcome.choices, blank=True
    )
    outcome_at = models.DateTimeField(null=True, blank=True)
    outcome_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    agreement_terms = models.TextField(_("协议内容 terms"), blank=True)
    agreement_on = models.DateField(_("协议生效日 agreement date"), null=True, blank=True)
    signed_copy = models.FileField(
        _("签字协议 signed copy"), upload_to="disputes/agreements/%Y/%m/", blank=True
    )
    referral = models.CharField(
        _("引导途径 referral"), max_length=16, choices=Referral.choices, blank=True
    )
    is_demo = models.BooleanField(default=False, editable=False)

    objects = MatterScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("矛盾纠纷 dispute")
        verbose_name_plural = _("矛盾纠纷 disputes")
        indexes = [models.Index(fields=["category", "reported_at"], name="disputes_cat_reported")]

    def __str__(self) -> str:
        return f"纠纷 #{self.pk}"


class PartySide(models.TextChoices):
    APPLICANT = "applicant", _("申请人 Applicant")
    RESPONDENT = "respondent", _("被申请人 Respondent")
    OTHER = "other", _("其他当事人 Other party")


class DisputeParty(models.Model):
    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="parties")
    person = models.ForeignKey("pii.Person", on_delete=models.PROTECT, related_name="+")
    side = models.CharField(_("地位 side"), max_length=16, choices=PartySide.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dispute", "person"], name="disputes_party_once")
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.side})"


class DisputeOrganisation(models.Model):
    """An organisation party (an employer in a wage dispute, a company, a shop): its name and
    unified social credit code (统一社会信用代码, GB 32100-2015), blank when not known.
    Organisations are not personal data; insight links them across disputes and court cases
    by a keyed pseudonym of the name (``insight.confluence``)."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="organisations")
    name = models.CharField(_("单位名称 organisation"), max_length=128)
    credit_code = models.CharField(_("统一社会信用代码 credit code"), max_length=18, blank=True)
    side = models.CharField(_("地位 side"), max_length=16, choices=PartySide.choices)

    class Meta:
        verbose_name = _("单位当事人 organisation party")
        verbose_name_plural = _("单位当事人 organisation parties")

    def __str__(self) -> str:
        return f"{self.name} ({self.side})"


class DisputePhoto(models.Model):
    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(upload_to="disputes/photos/%Y/%m/")
    content_type = models.CharField(max_length=32)
    size = models.PositiveIntegerField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"photo {self.pk} of {self.dispute_id}"


class RoutingDecision(models.Model):
    """Every routing of a dispute: the rule that fired, or the person who overrode it."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="decisions")
    at = models.DateTimeField()
    actor = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    rule = models.ForeignKey(RoutingRule, null=True, blank=True, on_delete=models.SET_NULL)
    rule_label = models.CharField(max_length=120, blank=True)  # outlives an edited rule
    way = models.CharField(max_length=16, choices=Way.choices)
    level = models.CharField(max_length=16, choices=RegionLevel.choices, blank=True)
    department = models.CharField(max_length=32, choices=Department.choices, blank=True)
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    overridden = models.BooleanField(default=False)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.dispute_id} → {self.way}/{self.level}"


class HopReason(models.TextChoices):
    OVERDUE = "overdue", _("逾期未化解 Unresolved within the limit")
    DECLARED = "declared", _("超出本级能力 Declared beyond the level")


class LevelHop(models.Model):
    """One escalation one level up (village → township → county → city)."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="hops")
    at = models.DateTimeField()
    actor = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    from_unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    to_unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=16, choices=HopReason.choices)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.dispute_id}: {self.from_unit_id} → {self.to_unit_id}"


class ReturnVisit(models.Model):
    """回访 after closure: how satisfied the parties are, and whether the agreement holds."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="visits")
    at = models.DateTimeField()
    by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    satisfaction = models.PositiveSmallIntegerField(choices=Satisfaction.choices)
    performed = models.BooleanField(_("协议已履行 agreement performed"), default=True)
    note = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"visit {self.pk} of {self.dispute_id}"


class ConfirmationQuerySet(models.QuerySet[Any]):
    """Seen by those who see the dispute, those who see the court's case, and the staff of
    the court it was sent to (its registry accepts it)."""

    def for_user(self, user: Any, action: Action = "view") -> ConfirmationQuerySet:
        visible = Matter.objects.for_user(user, action).values("pk")
        condition = Q(matter__in=visible) | Q(dispute__matter__in=visible)
        if getattr(user, "unit_id", None) and user.role in COURT_ROLES:
            condition |= Q(court_id=user.unit_id)
        return self.filter(condition)


class ConfirmationStatus(models.TextChoices):
    APPLIED = "applied", _("已申请 Applied")
    ACCEPTED = "accepted", _("已受理 Accepted")
    CONFIRMED = "confirmed", _("确认有效 Confirmed")
    REJECTED = "rejected", _("驳回申请 Rejected")


class Confirmation(models.Model):
    """司法确认: an agreement sent to the competent basic court; the court's case (a flow
    matter of that court) reports its result back here."""

    dispute = models.OneToOneField(Dispute, on_delete=models.PROTECT, related_name="confirmation")
    court = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    # The court's case, once its registry accepts the application (a matter of the court).
    matter = models.OneToOneField(
        Matter, null=True, blank=True, on_delete=models.PROTECT, related_name="confirmation_of"
    )
    status = models.CharField(
        max_length=16, choices=ConfirmationStatus.choices, default=ConfirmationStatus.APPLIED
    )
    applied_at = models.DateTimeField()
    applied_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    case_number = models.CharField(_("案号 case number"), max_length=40, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)

    objects = ConfirmationQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case_number"],
                condition=~Q(case_number=""),
                name="disputes_confirmation_number_once",
            )
        ]

    def __str__(self) -> str:
        return f"司法确认 {self.case_number or self.pk}"


class JointAnalysis(models.Model):
    """联合研判: a centre convenes departments on one or more disputes, records the
    decision, and issues a task list (each task a flow matter of kind ``task``)."""

    centre = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(
        "org.Region", to_field="code", db_column="region_code", on_delete=models.PROTECT
    )
    convened_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField(_("研判日期 held on"))
    topic = models.CharField(_("议题 topic"), max_length=200)
    decision = models.TextField(_("研判意见 decision"))
    departments = models.ManyToManyField("org.Unit", related_name="+")
    disputes = models.ManyToManyField(Dispute, related_name="analyses", blank=True)
    created_at = models.DateTimeField()
    is_demo = models.BooleanField(default=False, editable=False)

    # The centre's region: its operators and the commission above see it; departments see
    # the analyses of their region (their own tasks are scoped as matters).
    scope: ClassVar[ScopeRule] = ScopeRule(region="region__code", reference=True)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return self.topic


class AnalysisTask(models.Model):
    """One task of a joint analysis's list: to one unit, with a deadline (the task
    matter's clock) and a written reply required."""

    matter = models.OneToOneField(Matter, primary_key=True, on_delete=models.PROTECT)
    analysis = models.ForeignKey(JointAnalysis, on_delete=models.CASCADE, related_name="tasks")
    instruction = models.TextField(_("任务 instruction"))

    objects = MatterScopedQuerySet.as_manager()

    def __str__(self) -> str:
        return f"task {self.pk}"


class TaskReply(models.Model):
    task = models.ForeignKey(AnalysisTask, on_delete=models.CASCADE, related_name="replies")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("书面答复 written reply"))
    at = models.DateTimeField()
    accepted = models.BooleanField(null=True)  # None: not yet reviewed by the centre
    review_note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"reply {self.pk} to {self.task_id}"


class PetitionForm(models.TextChoices):
    LETTER = "letter", _("来信 Letter")
    VISIT = "visit", _("来访 Visit")
    ONLINE = "online", _("网上信访 Online")
    PHONE = "phone", _("电话 Phone")


class PetitionDecision(models.TextChoices):
    ACCEPTED = "accepted", _("受理 Accepted")
    NOT_ACCEPTED = "not_accepted", _("不予受理 Not accepted")


class Petition(models.Model):
    """信访事项. Protects the complainant: the person is stored encrypted, shown masked on the
    matter only, and there is no list, search or count of petitioners as persons."""

    matter = models.OneToOneField(Matter, primary_key=True, on_delete=models.PROTECT)
    form = models.CharField(_("信访形式 form"), max_length=16, choices=PetitionForm.choices)
    complainant = models.ForeignKey("pii.Person", on_delete=models.PROTECT, related_name="+")
    request = models.TextField(_("诉求 request"))
    receipt_number = models.CharField(_("回执编号 receipt number"), max_length=32, unique=True)
    received_on = models.DateField(_("收到日期 received on"))
    decision = models.CharField(max_length=16, choices=PetitionDecision.choices, blank=True)
    decision_note = models.TextField(blank=True)
    reply = models.TextField(_("书面答复 written reply"), blank=True)
    replied_on = models.DateField(null=True, blank=True)
    review_opinion = models.TextField(_("复查意见 review opinion"), blank=True)
    recheck_opinion = models.TextField(_("复核意见 re-review opinion"), blank=True)
    leader = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )  # 包案领导: owns the matter until it closes
    dispute = models.ForeignKey(Dispute, null=True, blank=True, on_delete=models.SET_NULL)

    objects = MatterScopedQuerySet.as_manager()

    def __str__(self) -> str:
        return f"信访 {self.receipt_number}"
