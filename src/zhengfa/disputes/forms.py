"""Forms of the disputes pages: they parse what was typed; the services decide what is
valid, and their field errors are shown beside the fields (the values are kept)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from zhengfa.disputes.models import (
    Department,
    DisputeCategory,
    Outcome,
    PartySide,
    Referral,
    Satisfaction,
    Severity,
    Way,
)
from zhengfa.org.models import RegionLevel

PARTY_ROWS = 2


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern); the service checks them."""

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


class ReportForm(forms.Form):
    category = forms.ChoiceField(label=_("类别 Category"))
    severity = forms.ChoiceField(label=_("严重程度 Severity"), choices=Severity.choices)
    description = forms.CharField(
        label=_("情况 What happened"), widget=forms.Textarea(attrs={"rows": 4})
    )
    amount = forms.CharField(label=_("标的额（元）Amount (yuan)"), required=False)
    grid_code = forms.CharField(label=_("网格 Grid"), required=False)
    lon = forms.FloatField(required=False, widget=forms.HiddenInput)
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    photos = MultipleFileField(
        label=_("照片 Photos"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    def __init__(self, *args: Any, grids: list[tuple[str, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [  # type: ignore[attr-defined]
            (c.code, str(c)) for c in DisputeCategory.objects.filter(active=True)
        ]
        if grids:
            self.fields["grid_code"].widget = forms.Select(choices=[("", "—"), *grids])
        for n in range(PARTY_ROWS):
            required = n == 0
            self.fields[f"party{n}_name"] = forms.CharField(
                label=_("当事人姓名 Party name"), required=required
            )
            self.fields[f"party{n}_side"] = forms.ChoiceField(
                label=_("地位 Side"),
                choices=PartySide.choices,
                initial=PartySide.APPLICANT if n == 0 else PartySide.RESPONDENT,
            )
            self.fields[f"party{n}_phone"] = forms.CharField(label=_("电话 Phone"), required=False)

    def party_rows(self) -> list[tuple[Any, Any, Any]]:
        return [
            (self[f"party{n}_name"], self[f"party{n}_side"], self[f"party{n}_phone"])
            for n in range(PARTY_ROWS)
        ]


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's field errors on the form (unknown fields go to the top)."""
    mapping = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
    for field, messages in mapping.items():
        name = field.split(".")[0].split("[")[0]
        if field.startswith("parties["):
            index = field[len("parties[") : field.index("]")]
            name = f"party{index}_name"
        target = name if name in form.fields else None
        for message in messages:
            form.add_error(target, f"{field}: {message}" if target is None and field else message)


class RouteForm(forms.Form):
    way = forms.ChoiceField(label=_("方式 Way"), choices=[("", "—"), *Way.choices], required=False)
    level = forms.ChoiceField(
        label=_("层级 Level"), choices=[("", "—"), *RegionLevel.choices], required=False
    )
    department = forms.ChoiceField(
        label=_("部门 Department"), choices=[("", "—"), *Department.choices], required=False
    )
    reason = forms.CharField(label=_("改派理由 Reason for override"), required=False)


class EscalateForm(forms.Form):
    note = forms.CharField(label=_("超出本级能力的理由 Why beyond this level"))


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("调解结果 Outcome"), choices=Outcome.choices)
    terms = forms.CharField(
        label=_("协议内容 Terms"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    signed_copy = forms.FileField(label=_("签字协议 Signed copy"), required=False)
    referral = forms.ChoiceField(
        label=_("引导途径 Referral"), choices=[("", "—"), *Referral.choices], required=False
    )


class VisitForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        label=_("满意度 Satisfaction"), choices=Satisfaction.choices, coerce=int
    )
    performed = forms.BooleanField(label=_("协议已履行 Agreement performed"), required=False)
    note = forms.CharField(label=_("备注 Note"), required=False)


class RulingForm(forms.Form):
    confirmed = forms.TypedChoiceField(
        label=_("裁定 Ruling"),
        choices=[("1", _("确认有效 Confirm")), ("0", _("驳回申请 Reject"))],
        coerce=lambda v: v == "1",
    )
    note = forms.CharField(label=_("说明 Note"), required=False)
