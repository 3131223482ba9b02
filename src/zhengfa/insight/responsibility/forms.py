"""The commission's form for one target line; checking is the service's (``clean``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zhengfa.insight.responsibility.models import Indicator


class TargetForm(forms.Form):
    indicator = forms.ChoiceField(label=_("指标 Indicator"), choices=Indicator.choices)
    target_value = forms.CharField(label=_("目标值 Target"), max_length=20)
    weight = forms.CharField(label=_("权重 Weight"), max_length=5)
    tolerance = forms.CharField(
        label=_("容差 Tolerance"),
        max_length=20,
        required=False,
        help_text=_("留空用目录默认值 Empty: the catalogue's default"),
    )
