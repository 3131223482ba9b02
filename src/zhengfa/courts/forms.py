"""Forms of the courts pages: they parse what was typed; the services decide what is valid,
and their field errors are shown beside the fields with the values kept
(``add_service_errors``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from zhengfa.courts.models import PartySide, Procedure
from zhengfa.flow.models import ApprovalKind
from zhengfa.web.forms import MultipleFileField, MultipleFileInput

PARTY_ROWS = 3
ONLINE_PROCEDURES = (  # what a citizen files online: civil and administrative complaints
    Procedure.CIVIL_ORDINARY,
    Procedure.CIVIL_SIMPLE,
    Procedure.CIVIL_SMALL_CLAIMS,
    Procedure.ADMIN_ORDINARY,
    Procedure.ADMIN_SIMPLE,
)
COUNTER_PROCEDURES = (
    *ONLINE_PROCEDURES,
    Procedure.CRIMINAL_PUBLIC,
    Procedure.CRIMINAL_SUMMARY,
    Procedure.CRIMINAL_FAST_TRACK,
)
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's field errors on the form: ``parties[1].name`` goes to ``party1_name``,
    ``attachments[0].content`` to ``attachments``; unknown fields go to the top."""
    mapping = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
    for field, messages in mapping.items():
        name = field.split(".")[0].split("[")[0]
        if field.startswith("parties[") and "]" in field:
            index = field[len("parties[") : field.index("]")]
            part = field.split(".", 1)[1] if "." in field else "name"
            name = f"party{index}_{part}" if f"party{index}_{part}" in form.fields else name
            name = name if name in form.fields else f"party{index}_name"
        name = getattr(form, "error_aliases", {}).get(name, name)
        target = name if name in form.fields else None
        for message in messages:
            form.add_error(target, f"{field}: {message}" if target is None and field else message)


class FilingForm(forms.Form):
    court = forms.ChoiceField(label=_("受诉法院 Court"))
    procedure = forms.ChoiceField(label=_("程序 Procedure"))
    cause_code = forms.ChoiceField(label=_("案由 Cause of action"), required=False)
    claims = forms.CharField(
        label=_("诉讼请求 Claims"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )
    enterprise_related = forms.BooleanField(label=_("涉企案件 Enterprise-related"), required=False)
    attachments = MultipleFileField(
        label=_("附件（起诉状、证据）Attachments (complaint, evidence)"),
        required=False,
        widget=MultipleFileInput(),
    )

    def __init__(
        self,
        *args: Any,
        courts: list[tuple[str, str]],
        procedures: tuple[str, ...],
        causes: list[tuple[str, list[tuple[str, str]]]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["court"].choices = courts  # type: ignore[attr-defined]
        self.fields["procedure"].choices = [  # type: ignore[attr-defined]
            (p, Procedure(p).label) for p in procedures
        ]
        self.fields["cause_code"].choices = [("", "—"), *causes]  # type: ignore[attr-defined]
        for n in range(PARTY_ROWS):
            self._party_fields(n)

    def _party_fields(self, n: int) -> None:
        initial = (PartySide.PLAINTIFF, PartySide.DEFENDANT, PartySide.THIRD_PARTY)[n]
        sides = [(s, PartySide(s).label) for s in PartySide.values[:3]]
        self.fields[f"party{n}_side"] = forms.ChoiceField(
            label=_("诉讼地位 Side"), choices=sides, initial=initial
        )
        self.fields[f"party{n}_name"] = forms.CharField(
            label=_("姓名 Name (natural person)"), required=False
        )
        self.fields[f"party{n}_organisation"] = forms.CharField(
            label=_("或单位名称 or organisation"), required=False
        )
        self.fields[f"party{n}_id_number"] = forms.CharField(
            label=_("身份证号 ID number"), required=False
        )
        self.fields[f"party{n}_phone"] = forms.CharField(label=_("电话 Phone"), required=False)
        self.fields[f"party{n}_address"] = forms.CharField(label=_("住所 Address"), required=False)

    def party_rows(self) -> list[list[Any]]:
        parts = ("side", "name", "organisation", "id_number", "phone", "address")
        return [[self[f"party{n}_{p}"] for p in parts] for n in range(PARTY_ROWS)]


class ReasonsForm(forms.Form):
    reasons = forms.CharField(
        label=_("理由 Reasons"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class MaterialForm(forms.Form):
    note = forms.CharField(
        label=_("补正说明 What you supply"), widget=forms.Textarea(attrs={"rows": 2})
    )


class AssignForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("方式 Mode"),
        choices=[("random", _("随机分案 Random")), ("manual", _("指定分案 Manual"))],
    )
    division = forms.ChoiceField(label=_("审判团队 Team"))
    presiding = forms.ChoiceField(label=_("承办法官/审判长 Judge (presiding)"), required=False)
    members = forms.MultipleChoiceField(
        label=_("合议庭成员 Panel members"), required=False, widget=forms.CheckboxSelectMultiple
    )
    reason = forms.CharField(label=_("指定理由 Reason (manual)"), required=False)

    def __init__(
        self,
        *args: Any,
        divisions: list[tuple[str, str]] = (),  # type: ignore[assignment]
        judges: list[tuple[str, str]] = (),  # type: ignore[assignment]
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["division"].choices = divisions  # type: ignore[attr-defined]
        self.fields["presiding"].choices = [("", "—"), *judges]  # type: ignore[attr-defined]
        self.fields["members"].choices = judges  # type: ignore[attr-defined]


class StepForm(forms.Form):
    """A dated step (service, close of a period, transfer, archiving)."""

    on = forms.DateField(label=_("日期 Date"), required=False, widget=DATE)


class JudgmentForm(StepForm):
    outcome = forms.CharField(label=_("裁判结果 Outcome"), max_length=64)


class AppealForm(StepForm):
    appellant = forms.ChoiceField(label=_("上诉人 Appellant"))

    def __init__(self, *args: Any, parties: list[tuple[str, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["appellant"].choices = parties  # type: ignore[attr-defined]


class ConvertForm(StepForm):
    reason = forms.CharField(label=_("转换理由 Reason for conversion"))


class HearingForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("开庭时间 Starts at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    room = forms.CharField(label=_("法庭 Courtroom"), max_length=64)
    summoned_on = forms.DateField(label=_("传票送达日 Summons served on"), widget=DATE)
    public = forms.BooleanField(label=_("公开审理 Public"), required=False, initial=True)
    seats = forms.IntegerField(label=_("旁听席位 Public seats"), min_value=0, initial=10)


class LimitForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型 Kind"), choices=ApprovalKind.choices)
    reason_code = forms.ChoiceField(label=_("法定事由 Lawful reason"))
    detail = forms.CharField(label=_("具体情况 Details"), widget=forms.Textarea(attrs={"rows": 2}))
    amount = forms.IntegerField(label=_("延长 Extend by"), required=False, min_value=1)
    unit = forms.ChoiceField(
        label=_("单位 Unit"),
        required=False,
        choices=[("", "—"), ("months", _("月 months")), ("days", _("日 days"))],
    )
    pause_from = forms.DateField(label=_("中止起日 Suspended from"), required=False, widget=DATE)
    days = forms.IntegerField(label=_("扣除天数 Days deducted"), required=False, min_value=1)

    def __init__(self, *args: Any, reasons: list[tuple[str, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["reason_code"].choices = reasons  # type: ignore[attr-defined]


class UploadForm(forms.Form):
    file = forms.FileField(label=_("文件 File"))
    error_aliases = {"name": "file", "content": "file"}


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("决定 Decision"),
        choices=[("approve", _("批准 Approve")), ("reject", _("不批准 Reject"))],
    )
    note = forms.CharField(label=_("意见 Note"), required=False)


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("答复 Answer"), widget=forms.Textarea(attrs={"rows": 2}))


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("立案自 Registered from"), widget=DATE)
    end = forms.DateField(label=_("至 to"), widget=DATE)


class LookupForm(forms.Form):
    number = forms.CharField(label=_("案号 Case number"), max_length=40)
    code = forms.CharField(label=_("查询码 Verification code"), max_length=16)


class RemoveForm(forms.Form):
    reason = forms.CharField(label=_("删除理由 Reason for removal"))


class ObjectionForm(forms.Form):
    text = forms.CharField(
        label=_("对审限变更的异议 Objection to the change of the limit"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
