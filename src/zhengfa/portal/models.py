"""The online service hall: the service catalogue, citizens' applications and their files,
Open311 clients and requests, minor traffic accidents handled online, abuse controls.

Every application, Open311 request and disputed accident is a ``flow.Matter`` (one-to-one
detail tables here), so its limit runs on the flow engine's clock. Phones and names of
applicants are personal data: ciphertext, a masked copy and a keyed hash for the
"receipt number + phone" progress check (``zhengfa.pii``).
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengfa.org.models import UnitKind
from zhengfa.org.scoping import ScopedQuerySet, ScopeRule
from zhengfa.pii.fields import BlindIndexField, EncryptedTextField

USER = settings.AUTH_USER_MODEL


class Category(models.TextChoices):
    IDENTITY = "identity", _("身份证 Identity card")
    HOUSEHOLD = "household", _("户籍 Household registration")
    CERTIFICATE = "certificate", _("证明 Certificates")
    EXIT_ENTRY = "exit_entry", _("出入境 Exit and entry")
    TRAFFIC = "traffic", _("交通管理 Traffic")
    VEHICLE = "vehicle", _("车辆 Vehicles")
    SECURITY = "security", _("治安管理 Public security licences")
    LEGAL = "legal", _("法律服务 Legal services")
    LITIGATION = "litigation", _("诉讼 Litigation")
    REPORT = "report", _("问题上报 Report a problem")


class TimeUnit(models.TextChoices):
    """Units of a processing time; values are the legal clock's period units."""

    MINUTES = "minutes", _("分钟 minutes")
    HOURS = "hours", _("小时 hours")
    WORKDAYS = "workdays", _("工作日 working days")
    DAYS = "days", _("日 days")


class Handover(models.TextChoices):
    """Where an item is handled: here, or handed to another domain's own service."""

    PORTAL = "portal", _("本平台办理 Handled here")
    DISPUTES = "disputes", _("转矛盾纠纷调解 Handed to mediation")
    COURTS = "courts", _("转法院网上立案 Handed to court filing")


class ServiceItem(models.Model):
    """One item of the catalogue: who handles it, what it needs, how long it may take."""

    code = models.SlugField(_("事项编码 code"), max_length=48, unique=True)
    name_zh = models.CharField(_("名称 name (中文)"), max_length=120)
    name_en = models.CharField(_("名称 name (English)"), max_length=160)
    category = models.CharField(_("类别 category"), max_length=16, choices=Category.choices)
    unit_kind = models.CharField(
        _("办理单位类型 handling unit kind"), max_length=32, choices=UnitKind.choices
    )
    # Several departments share the kind "department": the unit code's suffix picks one
    # (e.g. CGJ for the city-management bureau, codes like 230402-CGJ).
    unit_suffix = models.CharField(_("单位编码后缀 unit code suffix"), max_length=8, blank=True)
    materials = models.TextField(_("申请材料 materials (one per line)"), blank=True)
    window = models.BooleanField(_("一窗办 one window"), default=True)
    nearby = models.BooleanField(_("就近办 nearby"), default=False)
    online = models.BooleanField(_("网上办 online"), default=True)
    time_amount = models.PositiveIntegerField(_("办理时限 processing time"))
    time_unit = models.CharField(_("时限单位 unit"), max_length=16, choices=TimeUnit.choices)
    statutory = models.BooleanField(
        _("法定时限 statutory"), default=False, help_text=_("False: a time promised by the hall")
    )
    time_source = models.CharField(_("时限依据 source of the time"), max_length=200)
    licence = models.BooleanField(
        _("行政许可 administrative licence"),
        default=False,
        help_text=_("行政许可法 arts. 32, 42, 45 govern acceptance, the limit and pauses"),
    )
    fee_yuan = models.DecimalField(_("收费（元）fee (yuan)"), max_digits=8, decimal_places=2)
    fee_source = models.CharField(_("收费依据 source of the fee"), max_length=200, blank=True)
    min_age = models.PositiveSmallIntegerField(_("最低年龄 minimum age"), null=True, blank=True)
    handover = models.CharField(
        _("办理去向 handled by"), max_length=16, choices=Handover.choices, default=Handover.PORTAL
    )
    open311 = models.BooleanField(_("Open311 服务 Open311 service"), default=False)
    keywords = models.CharField(_("关键词 keywords"), max_length=200, blank=True)
    active = models.BooleanField(_("在办 active"), default=True)

    class Meta:
        ordering = ["category", "code"]
        verbose_name = _("服务事项 service item")
        verbose_name_plural = _("服务事项 service catalogue")

    def __str__(self) -> str:
        return f"{self.name_zh} ({self.code})"

    def material_list(self) -> list[str]:
        return [line.strip() for line in self.materials.splitlines() if line.strip()]

    def channel_codes(self) -> list[str]:
        flags = (("window", self.window), ("nearby", self.nearby), ("online", self.online))
        return [code for code, on in flags if on]

    @property
    def deadline(self) -> tuple[int, str]:
        return (self.time_amount, self.time_unit)


class Channel(models.TextChoices):
    WINDOW = "window", _("一窗办 One window")
    NEARBY = "nearby", _("就近办 Nearby")
    ONLINE = "online", _("网上办 Online")
    OPEN311 = "open311", _("Open311 应用 Open311 app")


class AppStatus(models.TextChoices):
    RECEIVED = "received", _("已提交 Received")
    PROCESSING = "processing", _("办理中 Processing")
    SUPPLEMENT = "supplement", _("待补正材料 Waiting for material")
    DONE = "done", _("已办结 Done")
    REFUSED = "refused", _("不予办理 Refused")


def _scoped_through_matter(*extra_own: str) -> ScopeRule:
    return ScopeRule(
        region="matter__region__code",
        unit="matter__unit_id",
        own=("matter__owner_id", "matter__participants__user_id", *extra_own),
    )


class Application(models.Model):
    """A citizen's application for a catalogue item, or a problem reported through Open311."""

    matter = models.OneToOneField("flow.Matter", primary_key=True, on_delete=models.PROTECT)
    item = models.ForeignKey(ServiceItem, on_delete=models.PROTECT, related_name="applications")
    receipt = models.CharField(_("受理编号 receipt number"), max_length=24, unique=True)
    applicant = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="applications"
    )
    name = EncryptedTextField(_("姓名 name"), blank=True)
    name_masked = models.CharField(_("姓名（脱敏）masked name"), max_length=64, blank=True)
    phone = EncryptedTextField(_("电话 phone"), blank=True)
    phone_hash = BlindIndexField(null=True, blank=True)
    phone_masked = models.CharField(_("电话（脱敏）masked phone"), max_length=16, blank=True)
    details = models.TextField(_("申请说明 details"), blank=True)
    channel = models.CharField(_("渠道 channel"), max_length=16, choices=Channel.choices)
    status = models.CharField(
        _("状态 status"), max_length=16, choices=AppStatus.choices, default=AppStatus.RECEIVED
    )
    submitted_at = models.DateTimeField(_("提交时间 submitted"))
    done_at = models.DateTimeField(_("办结时间 done"), null=True, blank=True)
    # The promise or statutory limit as it stood at the end, and whether it was kept.
    limit_due_at = models.DateTimeField(null=True, blank=True)
    within_limit = models.BooleanField(null=True, blank=True)
    paused_seconds = models.PositiveIntegerField(default=0)  # waiting for the applicant
    # Submission to done, the applicant's waiting excluded: the item's "actual time".
    taken_seconds = models.PositiveIntegerField(null=True, blank=True)
    outcome_note = models.TextField(_("办理结果 outcome"), blank=True)
    rating = models.PositiveSmallIntegerField(_("评价 rating (1–5)"), null=True, blank=True)
    rating_comment = models.TextField(_("评价意见 comment"), blank=True)
    # A retried submission carrying the same key returns the first one (per client).
    idempotency_key = models.CharField(max_length=80, null=True, blank=True, unique=True)
    # Open311 only: where, what picture, which client.
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    address_string = models.CharField(max_length=200, blank=True)
    media_url = models.URLField(max_length=400, blank=True)
    client = models.ForeignKey(
        "Open311Client", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    scope: ClassVar[ScopeRule] = _scoped_through_matter("applicant_id")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at"]
        indexes = [models.Index(fields=["item", "status"], name="portal_app_item_status")]

    def __str__(self) -> str:
        return self.receipt


class AttachmentKind(models.TextChoices):
    INITIAL = "initial", _("申请材料 Application material")
    SUPPLEMENT = "supplement", _("补正材料 Supplementary material")
    OUTCOME = "outcome", _("办理结果 Result document")


def _upload_to(instance: Attachment, filename: str) -> str:
    return f"portal/{instance.sha256[:2]}/{instance.sha256}{instance.extension}"


class Attachment(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField(max_length=16, choices=AttachmentKind.choices)
    file = models.FileField(upload_to=_upload_to)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=64)
    extension = models.CharField(max_length=8)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class Progress(models.Model):
    """One step the applicant is told about (shown on the progress page, sent by SMS)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="steps")
    at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=AppStatus.choices)
    text = models.TextField()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.application_id} {self.status}"


class Open311Client(models.Model):
    """An Open311 app allowed to create requests; only a hash of its key is kept."""

    name = models.CharField(_("应用名称 name"), max_length=120)
    contact = models.CharField(_("联系人 contact"), max_length=120, blank=True)
    key_prefix = models.CharField(max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    issued_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    issued_at = models.DateTimeField(editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Open311 应用 Open311 client")
        verbose_name_plural = _("Open311 应用 Open311 clients")

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"


class Throttle(models.Model):
    """Anonymous submissions counted per client address or phone hash per window."""

    key = models.CharField(max_length=100)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="portal_throttle_once")
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.window_start}: {self.count}"


class AccidentStatus(models.TextChoices):
    REPORTED = "reported", _("一方已报 One driver reported")
    PROPOSED = "proposed", _("已出定责建议 Liability proposed")
    AGREED = "agreed", _("双方确认 Both agreed")
    DISPUTED = "disputed", _("有异议，转交警 Disputed, passed to an officer")


class Accident(models.Model):
    """A minor accident between two motor vehicles, property damage only (快处快赔)."""

    code = models.CharField(_("事故编号 number"), max_length=24, unique=True)
    occurred_at = models.DateTimeField(_("发生时间 when"))
    lat = models.FloatField()
    lon = models.FloatField()
    grid = models.ForeignKey("org.Grid", on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(
        "org.Region", to_field="code", db_column="region_code", on_delete=models.PROTECT
    )
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    situation = models.CharField(_("事故情形 situation"), max_length=32, blank=True)
    at_fault = models.CharField(_("过错方 at fault"), max_length=4, blank=True)  # a, b, both
    status = models.CharField(
        max_length=16, choices=AccidentStatus.choices, default=AccidentStatus.REPORTED
    )
    join_code_hash = models.CharField(max_length=64)  # the second driver joins with it
    matter = models.OneToOneField(
        "flow.Matter", null=True, blank=True, on_delete=models.PROTECT, related_name="accident"
    )
    created_at = models.DateTimeField()
    idempotency_key = models.CharField(max_length=80, null=True, blank=True, unique=True)

    scope: ClassVar[ScopeRule] = ScopeRule(
        region="region__code", unit="unit_id", own=("parties__user_id",)
    )
    objects = ScopedQuerySet.as_manager()

    def __str__(self) -> str:
        return self.code


class Party(models.TextChoices):
    A = "a", _("甲方 Party A")
    B = "b", _("乙方 Party B")


class AccidentParty(models.Model):
    accident = models.ForeignKey(Accident, on_delete=models.CASCADE, related_name="parties")
    side = models.CharField(max_length=1, choices=Party.choices)
    user = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT)
    plate = models.CharField(_("号牌 plate"), max_length=12)
    insurer = models.CharField(_("承保公司 insurer"), max_length=64)
    policy_no = models.CharField(_("交强险保单号 policy number"), max_length=40)
    phone = EncryptedTextField(_("电话 phone"))
    phone_hash = BlindIndexField()
    phone_masked = models.CharField(max_length=16)
    lat = models.FloatField()
    lon = models.FloatField()
    account = models.CharField(_("经过 account"), max_length=32)  # the situation they report
    confirmed = models.BooleanField(null=True, blank=True)  # None: not yet answered
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["side"]
        constraints = [
            models.UniqueConstraint(fields=["accident", "side"], name="portal_party_once")
        ]

    def __str__(self) -> str:
        return f"{self.accident_id} {self.side} {self.plate}"


class AccidentPhoto(models.Model):
    party = models.ForeignKey(AccidentParty, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to="portal/accidents/%Y/%m/")
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()

    def __str__(self) -> str:
        return self.sha256[:12]
