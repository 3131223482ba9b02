"""Forms of the hazards pages. The inspection form grows one answer (and one finding
block) per checklist item of the campaign; services decide, forms only parse."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from zhengfa.hazards.models import ChecklistItem, CheckResult, Severity


class InspectionForm(forms.Form):
    grid = forms.ChoiceField(label=_("网格 Grid"))
    site = forms.CharField(label=_("检查场所 Site inspected"), max_length=120)
    lon = forms.FloatField(widget=forms.HiddenInput, required=False)
    lat = forms.FloatField(widget=forms.HiddenInput, required=False)
    note = forms.CharField(label=_("备注 Note"), required=False, widget=forms.Textarea({"rows": 2}))

    def __init__(
        self, *args: Any, grids: list[tuple[str, str]], items: list[ChecklistItem], **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        self.fields["grid"].choices = grids  # type: ignore[attr-defined]
        self.items = items
        for item in items:
            self._add_item_fields(item)

    def _add_item_fields(self, item: ChecklistItem) -> None:
        n = item.pk
        self.fields[f"result_{n}"] = forms.ChoiceField(
            label=item.text,
            choices=CheckResult.choices,
            initial=CheckResult.OK,
            widget=forms.RadioSelect,
        )
        self.fields[f"severity_{n}"] = forms.ChoiceField(
            label=_("隐患等级 Severity"), choices=Severity.choices, initial=Severity.GENERAL
        )
        self.fields[f"description_{n}"] = forms.CharField(
            label=_("隐患描述 Description"),
            required=False,
            max_length=2000,
            widget=forms.Textarea({"rows": 2}),
        )
        self.fields[f"party_{n}"] = forms.CharField(
            label=_("责任主体 Responsible party (blank: the site)"), required=False, max_length=120
        )

    def item_rows(self) -> list[dict[str, Any]]:
        """Per item: its answer, and the fields of a finding."""
        return [
            {
                "item": item,
                "result": self[f"result_{item.pk}"],
                "severity": self[f"severity_{item.pk}"],
                "description": self[f"description_{item.pk}"],
                "party": self[f"party_{item.pk}"],
                "photos_name": f"photos_{item.pk}",
                "open": self[f"result_{item.pk}"].value() == CheckResult.HAZARD,
            }
            for item in self.items
        ]


class CampaignForm(forms.Form):
    theme = forms.ChoiceField(label=_("主题 Theme"))
    name = forms.CharField(label=_("名称 Name"), max_length=120)
    region = forms.CharField(label=_("区划代码 Region code"), max_length=12)
    starts_on = forms.DateField(label=_("开始 Starts on"), widget=forms.DateInput({"type": "date"}))
    ends_on = forms.DateField(label=_("结束 Ends on"), widget=forms.DateInput({"type": "date"}))
    lead_unit = forms.ChoiceField(label=_("牵头单位 Lead unit"))
    units = forms.MultipleChoiceField(
        label=_("责任单位 Responsible units"), required=False, widget=forms.CheckboxSelectMultiple
    )
    sites = forms.CharField(
        label=_("重点场所（每行一个）Sites (one a line)"),
        required=False,
        widget=forms.Textarea({"rows": 3}),
    )
    items = forms.CharField(
        label=_("检查项（每行一项，空则用主题默认）Checklist (one a line; blank: the theme's)"),
        required=False,
        widget=forms.Textarea({"rows": 5}),
    )

    def __init__(
        self, *args: Any, themes: list[tuple[str, str]], units: list[tuple[str, str]], **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        self.fields["theme"].choices = themes  # type: ignore[attr-defined]
        self.fields["lead_unit"].choices = units  # type: ignore[attr-defined]
        self.fields["units"].choices = units  # type: ignore[attr-defined]


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class RectifyForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    measures = forms.CharField(
        label=_("整改措施 Measures taken"), max_length=2000, widget=forms.Textarea({"rows": 3})
    )


class VerifyForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    passed = forms.TypedChoiceField(
        label=_("核查结论 Result"),
        choices=[
            ("1", _("合格，销号 Passed: close")),
            ("0", _("不合格，重新整改 Failed: re-open")),
        ],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("核查意见 Note"), required=False, widget=forms.Textarea({"rows": 2})
    )


FINDING_FIELDS = {
    "severity": "severity",
    "description": "description",
    "responsible_party": "party",
}


def add_service_errors(
    form: forms.Form, error: ValidationError, finding_items: list[int] | None = None
) -> None:
    """Put a service's field errors on the form. ``findings[i].x`` goes to the field of the
    item finding ``i`` was about; anything the form lacks goes to the top with its path."""
    mapping = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
    for path, messages in mapping.items():
        target = _field_of(form, path, finding_items or [])
        for message in messages:
            form.add_error(target, message if target else f"{path}: {message}".lstrip(": "))


def _field_of(form: forms.Form, path: str, finding_items: list[int]) -> str | None:
    if path.startswith("findings[") and "]." in path:
        index, rest = path[len("findings[") :].split("].", 1)
        prefix = FINDING_FIELDS.get(rest.split(".")[0].split("[")[0])
        if prefix and index.isdigit() and int(index) < len(finding_items):
            return f"{prefix}_{finding_items[int(index)]}"
        return None
    name = path.split(".")[0].split("[")[0]
    return name if name in form.fields else None
