"""Court reference data: the cause-of-action catalogues (案由 / 罪名) with their dates.

A catalogue is in force from ``effective_from`` to ``effective_to`` (inclusive, open when
empty); a case takes its cause from the catalogue in force on its filing date
(``selectors.cause_catalogue_in_force``). Catalogues are imported whole by
``services.cause_catalogue_import`` and never edited in place: a revised catalogue is a new
one with a later start date.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengfa.pii.fields import EncryptedTextField


class CauseKind(models.TextChoices):
    CIVIL = "civil", _("民事案由 Civil causes of action")
    CRIMINAL = "criminal", _("刑事罪名 Criminal charges")
    ADMINISTRATIVE = "administrative", _("行政案由 Administrative causes of action")


class CauseCatalogue(models.Model):
    kind = models.CharField(_("类别 kind"), max_length=16, choices=CauseKind.choices)
    title = models.CharField(_("名称 title"), max_length=120)
    version = models.CharField(_("版本 version"), max_length=60, blank=True)
    effective_from = models.DateField(_("施行日期 in force from"))
    effective_to = models.DateField(_("失效日期 in force until"), null=True, blank=True)
    verified = models.BooleanField(
        _("已核对官方文本 checked against the official text"), default=False
    )
    source = models.TextField(_("来源 source"))
    sha256 = models.CharField(_("文件摘要 file SHA-256"), max_length=64)
    imported_at = models.DateTimeField(_("导入时间 imported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("案由目录 cause-of-action catalogue")
        verbose_name_plural = _("案由目录 cause-of-action catalogues")
        ordering = ["kind", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "effective_from"], name="courts_catalogue_kind_start_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(effective_to__isnull=True)
                | models.Q(effective_to__gte=models.F("effective_from")),
                name="courts_catalogue_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """What a filing form shows: title, version, dates and, if so, that it is unchecked."""
        until = self.effective_to.isoformat() if self.effective_to else str(_("今 now"))
        version = f"（{self.version}）" if self.version else ""
        text = f"{self.title}{version} {self.effective_from.isoformat()}—{until}"
        if not self.verified:
            text += " · " + str(_("未与官方文本核对 not checked against the official text"))
        return text


class Cause(models.Model):
    catalogue = models.ForeignKey(CauseCatalogue, on_delete=models.PROTECT, related_name="causes")
    position = models.PositiveIntegerField(_("顺序 position in the document"))
    code = models.CharField(_("代码 code"), max_length=32)
    level = models.PositiveSmallIntegerField(_("级别 level"))
    name = models.CharField(_("名称 name"), max_length=200)
    parent_code = models.CharField(_("上级代码 parent code"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("案由 cause of action")
        verbose_name_plural = _("案由 causes of action")
        ordering = ["catalogue", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["catalogue", "code"], name="courts_cause_code_unique_in_catalogue"
            )
        ]
        indexes = [models.Index(fields=["catalogue", "level"], name="courts_cause_level_idx")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


# ── Trial process management (审判流程管理) ───────────────────────────────────────────
# Every case and every filing is a flow Matter; the tables below extend it one-to-one
# and are scoped through it (``selectors``). Due dates live only on flow clocks.


class Category(models.TextChoices):
    CIVIL = "civil", _("民事 Civil")
    CRIMINAL = "criminal", _("刑事 Criminal")
    ADMINISTRATIVE = "administrative", _("行政 Administrative")
    ENFORCEMENT = "enforcement", _("执行 Enforcement")


class Procedure(models.TextChoices):
    CIVIL_ORDINARY = "civil_ordinary", _("民事一审普通程序 Civil ordinary")
    CIVIL_SIMPLE = "civil_simple", _("民事一审简易程序 Civil simple")
    CIVIL_SMALL_CLAIMS = "civil_small_claims", _("小额诉讼程序 Civil small claims")
    CRIMINAL_PUBLIC = "criminal_public", _("刑事公诉一审 Criminal public prosecution")
    CRIMINAL_SUMMARY = "criminal_summary", _("刑事简易程序 Criminal summary")
    CRIMINAL_FAST_TRACK = "criminal_fast_track", _("刑事速裁程序 Criminal fast-track")
    ADMIN_ORDINARY = "admin_ordinary", _("行政一审普通程序 Administrative ordinary")
    ADMIN_SIMPLE = "admin_simple", _("行政一审简易程序 Administrative simple")
    CIVIL_SECOND = "civil_second", _("民事二审 Civil second instance")
    CRIMINAL_SECOND = "criminal_second", _("刑事二审 Criminal second instance")
    ADMIN_SECOND = "admin_second", _("行政二审 Administrative second instance")
    CIVIL_RETRIAL = "civil_retrial", _("民事再审 Civil retrial")
    ENFORCEMENT = "enforcement", _("执行 Enforcement")
    # 民特: a mediation agreement sent by a mediation organisation (CPL (2023) arts. 205–206)
    CIVIL_CONFIRMATION = "civil_confirmation", _("司法确认（民特）Judicial confirmation")


class FilingChannel(models.TextChoices):
    COUNTER = "counter", _("窗口立案 At the counter")
    ONLINE = "online", _("网上立案 Online")


class FilingStatus(models.TextChoices):
    REVIEW = "review", _("审查中 Under review")
    MATERIAL = "material", _("待补正 Missing material requested")
    ACCEPTED = "accepted", _("已立案 Accepted")
    REJECTED = "rejected", _("不予受理 Rejected")


class Division(models.Model):
    """审判庭 / 专业审判团队: a specialised team of judges of one court."""

    court = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="divisions")
    name = models.CharField(_("名称 name"), max_length=64)
    category = models.CharField(_("案件类别 category"), max_length=16, choices=Category.choices)
    members = models.ManyToManyField("org.User", related_name="divisions", blank=True)

    class Meta:
        ordering = ["court", "name"]
        constraints = [
            models.UniqueConstraint(fields=["court", "name"], name="courts_division_name_unique")
        ]

    def __str__(self) -> str:
        return f"{self.court} {self.name}"


class Filing(models.Model):
    """立案申请: a complaint received at the counter or online; its decision is a matter
    with its own statutory clock (``flows``)."""

    matter = models.OneToOneField("flow.Matter", primary_key=True, on_delete=models.PROTECT)
    court = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="filings")
    channel = models.CharField(max_length=16, choices=FilingChannel.choices)
    procedure = models.CharField(_("程序 procedure"), max_length=32, choices=Procedure.choices)
    type_code = models.CharField(_("类型代字 case-type code"), max_length=8)
    cause = models.ForeignKey(Cause, null=True, blank=True, on_delete=models.PROTECT)
    claims = models.TextField(_("诉讼请求 claims"))
    enterprise_related = models.BooleanField(_("涉企 enterprise-related"), default=False)
    submitted_by = models.ForeignKey("org.User", on_delete=models.PROTECT, related_name="+")
    submitted_on = models.DateField(_("收到日期 received on"))
    status = models.CharField(
        max_length=16, choices=FilingStatus.choices, default=FilingStatus.REVIEW
    )
    decision_reason = models.TextField(_("理由 reasons"), blank=True)
    missing_material = models.TextField(_("需补正材料 material to supply"), blank=True)

    def __str__(self) -> str:
        return f"filing {self.pk} ({self.get_status_display()})"


class FilingAttachment(models.Model):
    """A file submitted with a complaint (起诉状, evidence); it joins the case's electronic
    dossier when the filing is accepted. Checked like any dossier upload."""

    filing = models.ForeignKey(Filing, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField(_("文件名 name"), max_length=160)
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class PanelKind(models.TextChoices):
    SOLE = "sole", _("独任审理 Sole judge")
    COLLEGIAL = "collegial", _("合议庭 Collegial panel")


class CourtCase(models.Model):
    """A registered case (案件) with its case number; its matter carries the clocks."""

    matter = models.OneToOneField("flow.Matter", primary_key=True, on_delete=models.PROTECT)
    number = models.CharField(_("案号 case number"), max_length=40, unique=True)
    year = models.PositiveSmallIntegerField()
    court_code = models.CharField(max_length=16)
    type_code = models.CharField(max_length=8)
    sequence = models.PositiveIntegerField()
    category = models.CharField(max_length=16, choices=Category.choices)
    procedure = models.CharField(_("程序 procedure"), max_length=32, choices=Procedure.choices)
    cause = models.ForeignKey(Cause, null=True, blank=True, on_delete=models.PROTECT)
    claims = models.TextField(_("诉讼请求 claims"), blank=True)
    filing = models.OneToOneField(
        Filing, null=True, blank=True, on_delete=models.PROTECT, related_name="case"
    )
    division = models.ForeignKey(
        Division, null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    panel_kind = models.CharField(max_length=16, choices=PanelKind.choices, blank=True)
    weight = models.FloatField(_("案件权重 caseload weight"), default=1.0)
    filed_on = models.DateField(_("立案日期 registered on"))
    original_filed_on = models.DateField(_("原立案日期 originally registered on"))
    converted_on = models.DateField(_("转换程序日期 converted on"), null=True, blank=True)
    judged_on = models.DateField(_("结案日期 closed (judgment) on"), null=True, blank=True)
    judgment_served_on = models.DateField(null=True, blank=True)
    archived_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(_("结案方式 outcome"), max_length=64, blank=True)
    verify_hash = models.CharField(max_length=64)  # SHA-256 of the parties' lookup code
    original = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="appeals"
    )

    class Meta:
        indexes = [models.Index(fields=["court_code", "year"], name="courts_case_court_year")]

    def __str__(self) -> str:
        return self.number


class SequenceCounter(models.Model):
    """The last sequence issued per court, year, special code and case type (no gaps)."""

    court_code = models.CharField(max_length=16)
    year = models.PositiveSmallIntegerField()
    type_code = models.CharField(max_length=8)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["court_code", "year", "type_code"], name="courts_sequence_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.court_code}{self.type_code} {self.last}"


class PartySide(models.TextChoices):
    PLAINTIFF = "plaintiff", _("原告 Plaintiff")
    DEFENDANT = "defendant", _("被告 Defendant")
    THIRD_PARTY = "third_party", _("第三人 Third party")
    APPELLANT = "appellant", _("上诉人 Appellant")
    APPELLEE = "appellee", _("被上诉人 Appellee")
    APPLICANT = "applicant", _("申请执行人 Enforcement applicant")
    RESPONDENT = "respondent", _("被执行人 Person subject to enforcement")
    JOINT_APPLICANT = "joint_applicant", _("共同申请人 Joint applicant (confirmation)")


class CaseParty(models.Model):
    """A party: a natural person (a pii Person, name masked in public) or an organisation."""

    filing = models.ForeignKey(Filing, on_delete=models.CASCADE, related_name="parties")
    case = models.ForeignKey(
        CourtCase, null=True, blank=True, on_delete=models.CASCADE, related_name="parties"
    )
    side = models.CharField(max_length=16, choices=PartySide.choices)
    person = models.ForeignKey("pii.Person", null=True, blank=True, on_delete=models.PROTECT)
    organisation = models.CharField(_("单位名称 organisation"), max_length=128, blank=True)
    name_masked = models.CharField(_("姓名（脱敏）masked name"), max_length=64, blank=True)
    # An online submission's personal data, sealed until the registry registers the person
    # (``pii.services.person_create`` needs court staff as its actor).
    submitted = EncryptedTextField(blank=True)
    account = models.ForeignKey(  # the party's own login, for inbox notices
        "org.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.public_name

    @property
    def public_name(self) -> str:
        """Organisations by name; natural persons by their masked name (张**)."""
        if self.organisation:
            return self.organisation
        return self.person.name_masked if self.person else self.name_masked


class PanelRole(models.TextChoices):
    PRESIDING = "presiding", _("审判长 Presiding judge")
    MEMBER = "member", _("合议庭成员 Panel member")
    SOLE = "sole", _("独任法官 Sole judge")


class PanelMember(models.Model):
    case = models.ForeignKey(CourtCase, on_delete=models.CASCADE, related_name="panel")
    judge = models.ForeignKey("org.User", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=16, choices=PanelRole.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "judge"], name="courts_panel_once")]

    def __str__(self) -> str:
        return f"{self.judge} ({self.role})"


class HearingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("已排期 Scheduled")
    HELD = "held", _("已开庭 Held")
    ADJOURNED = "adjourned", _("延期 Adjourned")


class Hearing(models.Model):
    case = models.ForeignKey(CourtCase, on_delete=models.CASCADE, related_name="hearings")
    starts_at = models.DateTimeField(_("开庭时间 starts at"))
    room = models.CharField(_("法庭 courtroom"), max_length=64)
    summoned_on = models.DateField(_("传票送达日 summons served on"))
    public = models.BooleanField(_("公开审理 public"), default=True)
    seats = models.PositiveSmallIntegerField(_("旁听席位 public seats"), default=0)
    status = models.CharField(
        max_length=16, choices=HearingStatus.choices, default=HearingStatus.SCHEDULED
    )
    adjourn_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return f"{self.case} {self.starts_at:%Y-%m-%d %H:%M}"


class SeatReservation(models.Model):
    hearing = models.ForeignKey(Hearing, on_delete=models.CASCADE, related_name="reservations")
    citizen = models.ForeignKey("org.User", on_delete=models.CASCADE, related_name="+")
    reserved_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["hearing", "citizen"], name="courts_seat_once")
        ]

    def __str__(self) -> str:
        return f"seat {self.hearing_id}/{self.citizen_id}"


class PartyMessage(models.Model):
    """What the parties were told about their case (limit changes, stages), with the reason
    and legal basis (SPC-2019 art. 3 requires telling them of every change to the limit).
    It is the public progress page and the source of the SMS sent to parties."""

    case = models.ForeignKey(CourtCase, on_delete=models.CASCADE, related_name="messages")
    subject = models.CharField(max_length=200)
    reason = models.TextField(blank=True)
    legal_basis = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField()
    sms_sent = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.subject


class Objection(models.Model):
    """A party's objection (异议) to a change of the limit; the supervising president sees it."""

    case = models.ForeignKey(CourtCase, on_delete=models.CASCADE, related_name="objections")
    author = models.ForeignKey("org.User", on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField()
    seen_by = models.ForeignKey(
        "org.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answer = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"objection {self.pk} on {self.case}"


class DossierKind(models.TextChoices):
    UPLOADED = "uploaded", _("上传 Uploaded")
    GENERATED = "generated", _("系统生成 Generated")


class DossierFile(models.Model):
    """One version of one document of the electronic dossier (电子卷宗); never overwritten."""

    case = models.ForeignKey(CourtCase, on_delete=models.PROTECT, related_name="dossier")
    name = models.CharField(_("文件名 name"), max_length=160)
    version = models.PositiveSmallIntegerField(default=1)
    kind = models.CharField(max_length=16, choices=DossierKind.choices)
    stage = models.CharField(_("阶段 stage"), max_length=48)
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    added_by = models.ForeignKey("org.User", null=True, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "name", "version"], name="courts_dossier_version_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class JudgesMeeting(models.Model):
    """专业法官会议: its record, attached to the case it discussed (advice, not a decision)."""

    case = models.ForeignKey(CourtCase, on_delete=models.PROTECT, related_name="meetings")
    held_on = models.DateField()
    question = models.TextField(_("讨论问题 question"))
    attendees = models.TextField(_("参会法官 attendees"))
    opinions = models.TextField(_("意见 opinions"))
    conclusion = models.TextField(_("倾向性意见 prevailing opinion"))
    recorded_by = models.ForeignKey("org.User", on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"meeting {self.held_on} on {self.case}"


class ListingKind(models.TextChoices):
    DISHONEST = "dishonest", _("失信被执行人 Dishonest judgment debtor")
    RESTRICTED = "restricted", _("限制高消费 Consumption restriction")


class ListingStatus(models.TextChoices):
    LISTED = "listed", _("在列 Listed")
    SCREENING = "screening", _("待甄别 Being screened")
    REMOVED = "removed", _("已删除 Removed")


class CompanyEvent(models.TextChoices):
    NONE = "", _("无 None")
    MERGER = "merger", _("合并 Merger")
    SPLIT = "split", _("分立 Split")
    RESTRUCTURE = "restructure", _("重组 Restructuring")


class Listing(models.Model):
    """An enforcement-list entry (纳失 / 限高) linked to its enforcement case."""

    case = models.ForeignKey(CourtCase, on_delete=models.PROTECT, related_name="listings")
    kind = models.CharField(max_length=16, choices=ListingKind.choices)
    person = models.ForeignKey("pii.Person", null=True, blank=True, on_delete=models.PROTECT)
    organisation = models.CharField(max_length=128, blank=True)
    as_legal_rep_of = models.CharField(_("作为法定代表人的单位"), max_length=128, blank=True)
    company_event = models.CharField(
        max_length=16, choices=CompanyEvent.choices, blank=True, default=CompanyEvent.NONE
    )
    status = models.CharField(
        max_length=16, choices=ListingStatus.choices, default=ListingStatus.LISTED
    )
    listed_on = models.DateField()
    removal_clock = models.ForeignKey(
        "flow.Clock", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    removed_on = models.DateField(null=True, blank=True)
    removal_reason = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"


class CourtSettings(models.Model):
    """Per-court settings: the internal targets (days) for enterprise-related cases."""

    court = models.OneToOneField("org.Unit", primary_key=True, on_delete=models.PROTECT)
    enterprise_targets = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"settings of {self.court}"
