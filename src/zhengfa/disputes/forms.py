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
    PetitionForm,
    Referral,
    Satisfaction,
    Severity,
    Way,
)
from zhengfa.disputes.services.analysis import TaskInput
from zhengfa.org.models import RegionLevel
from zhengfa.web.forms import MultipleFileField, MultipleFileInput

PARTY_ROWS = 2


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
    # One optional organisation party (an employer in a wage dispute); the service checks
    # the credit code (GB 32100-2015) and its message lands on the field.
    organisation_name = forms.CharField(
        label=_("单位当事人名称 Organisation party"), required=False, max_length=128
    )
    organisation_credit_code = forms.CharField(
        label=_("统一社会信用代码 Unified social credit code"), required=False, max_length=40
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
        elif field.startswith("organisations[0]."):
            name = "organisation_" + field.rsplit(".", 1)[1]
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


# Letters and visits (信访) and joint analysis (联合研判): the handling unit's pages.

TEXT = forms.Textarea(attrs={"rows": 3})
DECISION = [("1", _("受理 Accept")), ("0", _("不予受理 Do not accept"))]
REVIEW = [("1", _("采纳 Accept the reply")), ("0", _("退回 Send back"))]


def _yes(value: str) -> bool:
    return value == "1"


class PetitionReceiveForm(forms.Form):
    form = forms.ChoiceField(label=_("信访形式 Form"), choices=PetitionForm.choices)
    complainant_name = forms.CharField(label=_("信访人 Complainant"), max_length=64)
    complainant_phone = forms.CharField(label=_("电话 Phone"), max_length=32, required=False)
    complainant_address = forms.CharField(label=_("地址 Address"), max_length=200, required=False)
    request = forms.CharField(label=_("诉求 Request"), widget=TEXT)


class PetitionRouteForm(forms.Form):
    unit_code = forms.CharField(label=_("转送单位代码 Unit code"), max_length=64)
    note = forms.CharField(label=_("说明 Note"), required=False)


class PetitionDecideForm(forms.Form):
    accept = forms.TypedChoiceField(label=_("受理决定 Decision"), choices=DECISION, coerce=_yes)
    note = forms.CharField(label=_("告知理由 Reasons told"), widget=TEXT)


class PetitionReplyForm(forms.Form):
    reply = forms.CharField(label=_("书面答复 Written reply"), widget=TEXT)


class PetitionReviewRequestForm(forms.Form):
    recheck = forms.BooleanField(label=_("复核（而非复查）Re-review"), required=False)


class PetitionOpinionForm(forms.Form):
    opinion = forms.CharField(label=_("复查/复核意见 Opinion"), widget=TEXT)


class PetitionCloseForm(forms.Form):
    note = forms.CharField(label=_("说明 Note"), required=False)


class OwnershipForm(forms.Form):
    reason = forms.CharField(label=_("包案理由 Reason"), widget=TEXT)


class AnalysisForm(forms.Form):
    topic = forms.CharField(label=_("议题 Topic"), max_length=200)
    decision = forms.CharField(label=_("研判意见 Decision"), widget=TEXT)
    departments = forms.CharField(
        label=_("参会单位代码 Departments (unit codes, comma-separated)"), max_length=1000
    )
    disputes = forms.CharField(
        label=_("涉及纠纷编号 Disputes (numbers, comma-separated)"), required=False
    )
    tasks = forms.CharField(
        label=_("任务清单 Tasks: one a line, 单位代码 | 天数 | 任务 (unit code | days | task)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    def clean_departments(self) -> list[str]:
        return [c.strip() for c in self.cleaned_data["departments"].split(",") if c.strip()]

    def clean_disputes(self) -> list[int]:
        raw = [c.strip() for c in self.cleaned_data["disputes"].split(",") if c.strip()]
        if not all(c.isdigit() for c in raw):
            raise ValidationError(_("纠纷编号为数字，以逗号分隔 Numbers separated by commas"))
        return [int(c) for c in raw]

    def clean_tasks(self) -> list[TaskInput]:
        tasks = []
        for n, line in enumerate(self.cleaned_data["tasks"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|", 2)]
            if len(parts) != 3 or not parts[1].isdigit():
                raise ValidationError(
                    _("第%(n)d行应为 单位代码 | 天数 | 任务 (line %(n)d: unit code | days | task)")
                    % {"n": n}
                )
            tasks.append(TaskInput(unit_code=parts[0], days=int(parts[1]), instruction=parts[2]))
        return tasks


class TaskReplyForm(forms.Form):
    text = forms.CharField(label=_("书面答复 Written reply"), widget=TEXT)


class TaskReviewForm(forms.Form):
    accept = forms.TypedChoiceField(label=_("审核 Review"), choices=REVIEW, coerce=_yes)
    note = forms.CharField(label=_("意见 Note"), required=False)
