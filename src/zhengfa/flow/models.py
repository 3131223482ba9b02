"""Matters, their clocks and clock events, approvals, warnings, accountability and notices.

One concrete ``Matter`` table holds what every tracked matter has; each domain adds a
one-to-one detail table (``OneToOneField(Matter, primary_key=True)``). Clocks store the
legal due date and the due instant; ``next_alert_at`` is the next moment the sweeper must
look at a clock (a warning threshold or the deadline), so a sweep is one index range scan.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhengfa.org.roles import ScopeKind
from zhengfa.org.scoping import Action, Scope, ScopedQuerySet, ScopeRule

USER = settings.AUTH_USER_MODEL


class MatterStatus(models.TextChoices):
    OPEN = "open", _("办理中 Open")
    CLOSED = "closed", _("已办结 Closed")


class MatterQuerySet(ScopedQuerySet["Matter"]):
    def for_user(self, user: Any, action: Action = "view") -> MatterQuerySet:
        scoped: MatterQuerySet = super().for_user(user, action)  # type: ignore[assignment]
        if Scope.of(user).kind is ScopeKind.OWN:
            # "own" crosses the participants join; a subquery keeps one row per matter.
            return self.filter(pk__in=scoped.values("pk"))
        return scoped


class Matter(models.Model):
    kind = models.CharField(_("类型 kind"), max_length=48, db_index=True)
    title = models.CharField(_("标题 title"), max_length=200)
    region = models.ForeignKey(
        "org.Region", to_field="code", db_column="region_code", on_delete=models.PROTECT
    )
    grid = models.ForeignKey("org.Grid", null=True, blank=True, on_delete=models.PROTECT)
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="matters")
    owner = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="owned_matters"
    )
    stage = models.CharField(_("阶段 stage"), max_length=48)
    status = models.CharField(
        _("状态 status"), max_length=16, choices=MatterStatus.choices, default=MatterStatus.OPEN
    )
    opened_at = models.DateTimeField(_("开始 opened"))
    closed_at = models.DateTimeField(_("办结 closed"), null=True, blank=True)
    due_on = models.DateField(_("期限 due date"), null=True, blank=True)
    due_at = models.DateTimeField(_("到期时刻 due instant"), null=True, blank=True)
    paused = models.BooleanField(_("中止中 paused"), default=False)  # every clock paused
    enterprise_related = models.BooleanField(_("涉企 enterprise-related"), default=False)
    escalated_to = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="escalated_matters"
    )
    version = models.PositiveIntegerField(_("版本 version"), default=1)

    scope: ClassVar[ScopeRule] = ScopeRule(
        region="region__code",
        unit="unit_id",
        own=("owner_id", "escalated_to_id", "participants__user_id"),
    )
    objects = MatterQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["owner", "status", "due_at"], name="flow_matter_owner_due"),
            models.Index(fields=["unit", "status", "due_at"], name="flow_matter_unit_due"),
            models.Index(fields=["region", "status"], name="flow_matter_region_status"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.kind} #{self.pk})"


class Participant(models.Model):
    """Someone who takes part in a matter besides its owner (panel member, reporter, …)."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="participations")
    role = models.CharField(_("角色 role"), max_length=48, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["matter", "user"], name="flow_participant_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.matter_id}"


class Holding(models.Model):
    """Who held a matter, from when until when: the basis of accountability."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="holdings")
    holder = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="holdings")
    since = models.DateTimeField()
    until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["since"]

    def __str__(self) -> str:
        return f"{self.holder_id} held {self.matter_id} from {self.since}"


class MatterEventKind(models.TextChoices):
    OPENED = "opened", _("立项 Opened")
    MOVED = "moved", _("移转阶段 Moved on")
    ASSIGNED = "assigned", _("指派 Assigned")
    EDITED = "edited", _("修改 Edited")
    ESCALATED = "escalated", _("升级督办 Escalated")
    CLOSED = "closed", _("办结 Closed")


class MatterEvent(models.Model):
    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=MatterEventKind.choices)
    at = models.DateTimeField()
    actor = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT)
    from_stage = models.CharField(max_length=48, blank=True)
    to_stage = models.CharField(max_length=48, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.matter_id}"


class ClockState(models.TextChoices):
    RUNNING = "running", _("计时中 Running")
    PAUSED = "paused", _("中止 Paused")
    STOPPED = "stopped", _("已停止 Stopped")


class Clock(models.Model):
    """One legal limit running on a matter (the whole trial limit, a stage limit, an
    approver's deadline). Its due date is always what ``zhengfa.clock`` computes from the
    start and the recorded events (``zhengfa.flow.clocks.replay``)."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="clocks")
    purpose = models.CharField(_("用途 purpose"), max_length=64)  # overall, stage:<code>, …
    label = models.CharField(_("名称 label"), max_length=120)
    rule = models.CharField(_("规则 rule"), max_length=64, blank=True)
    # A clock without a rule runs a period fixed by its issuer (a task list's deadline).
    period_amount = models.PositiveIntegerField(null=True, blank=True)
    period_unit = models.CharField(max_length=16, blank=True)
    started_on = models.DateField(_("起算日 trigger day"))
    started_at = models.DateTimeField(_("起算时刻 trigger instant"))
    state = models.CharField(max_length=16, choices=ClockState.choices)
    due_on = models.DateField(_("届满日 due date"))
    due_at = models.DateTimeField(_("届满时刻 due instant"))
    calendar_warnings = models.JSONField(default=list, blank=True)
    span_kind = models.CharField(max_length=16, default="calendar")  # calendar/workdays/minutes
    next_alert_at = models.DateTimeField(null=True, blank=True)
    holder = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="held_clocks"
    )
    extensions_used = models.PositiveSmallIntegerField(default=0)
    stopped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["next_alert_at"],
                name="flow_clock_alert",
                condition=Q(next_alert_at__isnull=False),
            ),
            models.Index(fields=["rule", "state"], name="flow_clock_rule_state"),
        ]

    def __str__(self) -> str:
        return f"{self.label} → {self.due_on}"


class ClockEventKind(models.TextChoices):
    START = "start", _("起算 Start")
    PAUSE = "pause", _("中止 Pause")
    RESUME = "resume", _("恢复 Resume")
    DEDUCT = "deduct", _("扣除 Deduct")
    EXTEND = "extend", _("延长 Extend")
    STOP = "stop", _("停止 Stop")
    RECALC = "recalc", _("重算 Recalculated")


class ClockEvent(models.Model):
    clock = models.ForeignKey(Clock, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=ClockEventKind.choices)
    on = models.DateField(_("日期 date"))  # the legal date of the event
    days = models.PositiveIntegerField(null=True, blank=True)  # deduction length
    amount = models.PositiveIntegerField(null=True, blank=True)  # extension length
    unit = models.CharField(max_length=16, blank=True)  # extension unit
    level = models.CharField(max_length=32, blank=True)  # approver level of an extension
    reason_code = models.CharField(_("法定事由 lawful reason"), max_length=64, blank=True)
    reason = models.TextField(_("理由 reason"))
    legal_basis = models.CharField(_("法律依据 legal basis"), max_length=200)
    actor = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT)
    approval = models.ForeignKey(
        "Approval",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
        db_index=False,  # indexed below, where set
    )
    due_before = models.DateField(null=True, blank=True)
    due_after = models.DateField(null=True, blank=True)
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["pk"]
        indexes = [
            # Only approved changes carry an approval: a partial index spares every other
            # event (each stage transition's) one index write.
            models.Index(
                fields=["approval"],
                name="flow_clockevent_approval",
                condition=models.Q(approval__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.clock_id} {self.on}"


class ApprovalKind(models.TextChoices):
    EXTEND = "extend", _("延长 Extension")
    DEDUCT = "deduct", _("扣除 Deduction")
    SUSPEND = "suspend", _("中止 Suspension")


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", _("待审批 Pending")
    FORWARDED = "forwarded", _("已审核转报 Reviewed and forwarded")
    APPROVED = "approved", _("已批准 Approved")
    REJECTED = "rejected", _("不予批准 Rejected")
    RETURNED = "returned", _("退回补充 Returned for detail")


class Approval(models.Model):
    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="approvals")
    clock = models.ForeignKey(Clock, on_delete=models.PROTECT, related_name="approvals")
    kind = models.CharField(max_length=16, choices=ApprovalKind.choices)
    reason_code = models.CharField(_("法定事由 lawful reason"), max_length=64)
    detail = models.TextField(_("说明 detail"))
    amount = models.PositiveIntegerField(null=True, blank=True)
    unit = models.CharField(max_length=16, blank=True)
    pause_from = models.DateField(null=True, blank=True)
    pause_days = models.PositiveIntegerField(null=True, blank=True)
    level = models.CharField(_("审批层级 approver level"), max_length=32)
    approver_unit = models.ForeignKey(
        "org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    status = models.CharField(
        max_length=16, choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING
    )
    forwarded_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    # A decision by an approver outside the platform, entered by the registry.
    external_authority = models.CharField(max_length=128, blank=True)
    external_document = models.CharField(max_length=64, blank=True)
    external_date = models.DateField(null=True, blank=True)
    decision_clock = models.OneToOneField(
        Clock, null=True, blank=True, on_delete=models.SET_NULL, related_name="decides"
    )

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["clock"],
                condition=Q(status__in=["pending", "forwarded"]),
                name="flow_one_open_approval_per_clock",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} for clock {self.clock_id}: {self.status}"


class Warning(models.Model):
    """A threshold reached by a clock. The constraint makes a second warning for the same
    clock and threshold impossible, however many sweepers run."""

    clock = models.ForeignKey(Clock, on_delete=models.CASCADE, related_name="warnings")
    threshold_s = models.BigIntegerField()  # seconds before due_at; 0 = overdue
    fired_at = models.DateTimeField()
    notified = models.BooleanField(default=True)  # False: superseded by a tighter threshold

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["clock", "threshold_s"], name="flow_warning_once")
        ]

    def __str__(self) -> str:
        return f"clock {self.clock_id} at -{self.threshold_s}s"


class Accountability(models.Model):
    """Who held an overdue matter, for how long, and which step slipped."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="accountability")
    clock = models.OneToOneField(Clock, on_delete=models.CASCADE, related_name="accountability")
    holder = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT)
    held_since = models.DateTimeField(null=True, blank=True)
    held_days = models.PositiveIntegerField(default=0)
    step = models.CharField(_("逾期环节 step that slipped"), max_length=120)
    due_at = models.DateTimeField()
    recorded_at = models.DateTimeField()
    escalated_to = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.step}: {self.holder_id}"


class NoticeChannel(models.TextChoices):
    INBOX = "inbox", _("站内信 Inbox")
    EMAIL = "email", _("电子邮件 E-mail")
    SMS = "sms", _("短信 SMS")


class Notice(models.Model):
    """A message to one person; the inbox is the notices with the inbox channel."""

    recipient = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="notices")
    matter = models.ForeignKey(Matter, null=True, blank=True, on_delete=models.CASCADE)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    channels = models.JSONField(default=list)  # channels wanted when it was created
    delivered = models.JSONField(default=list)  # external channels delivered so far
    outbox = models.BooleanField(default=False)  # e-mail or SMS still to deliver

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="flow_notice_unread"),
            models.Index(fields=["outbox"], name="flow_notice_outbox", condition=Q(outbox=True)),
        ]

    def __str__(self) -> str:
        return self.subject
