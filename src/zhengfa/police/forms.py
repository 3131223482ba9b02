"""Forms of the police pages: they parse; the services decide and name what is wrong."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from zhengfa.police.models import Category, ContactKind, IntakeChannel, ScamType


class ReportForm(forms.Form):
    category = forms.ChoiceField(label=_("类别 Category"), choices=Category.choices)
    description = forms.CharField(
        label=_("警情 What happened"), widget=forms.Textarea(attrs={"rows": 3})
    )
    lon = forms.FloatField(label=_("经度 Longitude"))
    lat = forms.FloatField(label=_("纬度 Latitude"))


class CallForm(ReportForm):
    field_order = ("channel", "category", "description", "lon", "lat")
    channel = forms.ChoiceField(
        label=_("来源 Channel"), choices=IntakeChannel.choices, initial=IntakeChannel.CALL
    )


class OutcomeForm(forms.Form):
    outcome = forms.CharField(label=_("办理结果 Outcome"), widget=forms.Textarea(attrs={"rows": 2}))


class RosterForm(forms.Form):
    starts_on = forms.DateField(label=_("起始周一 First Monday"))
    min_cover_blocks = forms.IntegerField(
        label=_("每警格每日最低巡逻时段 Minimum cover (4-hour blocks per beat per day)"),
        initial=1,
    )
    min_on_duty = forms.IntegerField(label=_("每时段最低在岗 Minimum on duty"), initial=2)


class LookupForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型 Kind"), choices=ContactKind.choices)
    value = forms.CharField(label=_("号码/链接/账户 Number, link or account"), max_length=300)


class FraudReportForm(forms.Form):
    scam_type = forms.ChoiceField(label=_("诈骗类型 Scam type"), choices=ScamType.choices)
    kind = forms.ChoiceField(label=_("联系方式类型 Contact kind"), choices=ContactKind.choices)
    value = forms.CharField(label=_("号码/链接/账户 Number, link or account"), max_length=300)
    description = forms.CharField(
        label=_("经过 What happened"), widget=forms.Textarea(attrs={"rows": 3})
    )
    loss = forms.DecimalField(label=_("损失(元) Money lost (yuan)"), required=False)


def add_service_errors(form: forms.Form, error: ValidationError, aliases: dict[str, str]) -> None:
    """Show a service's field errors on the form's fields (``aliases`` maps service field
    names to form fields; the rest go on top of the form)."""
    for field, messages in error.message_dict.items():
        name = aliases.get(field.split("[")[0], field)
        target = name if name in form.fields else None
        for message in messages:
            form.add_error(target, message)


class WarningForm(forms.Form):
    region = forms.CharField(label=_("发布区域代码 Region code"), max_length=12)
    scam_type = forms.ChoiceField(label=_("诈骗类型 Scam type"), choices=ScamType.choices)
    text = forms.CharField(label=_("预警内容 Warning"), widget=forms.Textarea(attrs={"rows": 3}))
