"""Forms of the alert pages: filters, the task list from an alert, the subscription."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhengfa.disputes.forms import AnalysisForm
from zhengfa.disputes.services.analysis import TaskInput
from zhengfa.insight.alerts.models import AREA_CONTEXT, AreaLevel, AttachmentFormat
from zhengfa.insight.weeks import WeekFormatError, parse_week


class AlertFilterForm(forms.Form):
    week = forms.CharField(label=_("周 Week (e.g. 2026-W14)"), required=False, max_length=8)
    category = forms.CharField(label=_("类别 Category"), required=False, max_length=48)
    level = forms.ChoiceField(
        label=pgettext_lazy(AREA_CONTEXT, "层级 Level"),
        choices=[("", "—"), *AreaLevel.choices],
        required=False,
    )
    area = forms.CharField(label=_("区域代码 Area code"), required=False, max_length=32)

    def clean_week(self) -> Any:
        text = self.cleaned_data["week"].strip()
        if not text:
            return None
        try:
            return parse_week(text)
        except WeekFormatError as error:
            raise forms.ValidationError(str(error)) from None


class AlertTasksForm(forms.Form):
    decision = forms.CharField(
        label=_("研判意见 Decision"), widget=forms.Textarea(attrs={"rows": 3})
    )
    tasks = AnalysisForm.base_fields["tasks"]

    def clean_tasks(self) -> list[TaskInput]:
        # The joint analysis's line format (单位代码 | 天数 | 任务), parsed by its own form.
        return AnalysisForm.clean_tasks(self)  # type: ignore[arg-type]


class SubscriptionForm(forms.Form):
    email = forms.EmailField(label=_("电子邮箱 E-mail address"))
    language = forms.ChoiceField(label=_("语言 Language"), choices=settings.LANGUAGES)
    attachment = forms.ChoiceField(
        label=_("附件 Attachment"), choices=AttachmentFormat.choices, required=False
    )
