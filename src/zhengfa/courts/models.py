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
