"""Forms of the service hall. They only parse; the services decide what is valid."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zhengfa.org.models import Region, RegionLevel
from zhengfa.web.forms import MultipleFileInput


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> Any:
        files = data if isinstance(data, list | tuple) else [data]
        return [f for f in files if f]


def township_choices() -> list[tuple[str, Any]]:
    places = Region.objects.filter(level=RegionLevel.TOWNSHIP).order_by("code")
    return [("", _("Choose…"))] + [(r.code, f"{r.name}（{r.code}）") for r in places]


class ApplyForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=64)
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=20,
        help_text=_("We send each step by SMS; with the receipt number it lets you follow it."),
    )
    region = forms.ChoiceField(label=_("Township or street where you apply"), choices=())
    birth_date = forms.DateField(
        label=_("Date of birth"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    details = forms.CharField(
        label=_("What you need (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    attachments = MultipleFileField(
        label=_("Materials (PDF, JPG or PNG, up to 5 MB each)"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, needs_birth_date: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["region"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = township_choices()
        if not needs_birth_date:
            del self.fields["birth_date"]


class TrackForm(forms.Form):
    receipt = forms.CharField(label=_("Receipt number"), max_length=24)
    phone = forms.CharField(label=_("Mobile phone used to apply"), max_length=20)


class RateForm(forms.Form):
    stars = forms.TypedChoiceField(
        label=_("How was the service?"),
        coerce=int,
        choices=[(n, "★" * n) for n in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class SupplyForm(forms.Form):
    attachments = MultipleFileField(
        label=_("Missing materials (PDF, JPG or PNG)"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class SignUpForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=40)
    full_name = forms.CharField(label=_("Your name"), max_length=64)
    region = forms.ChoiceField(label=_("Township or street where you live"), choices=())
    password = forms.CharField(
        label=_("Password (at least 8 characters)"), widget=forms.PasswordInput
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["region"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = township_choices()


class StaffActionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            (a, a) for a in ("accept", "request_material", "resume", "complete", "refuse", "close")
        ]
    )
    text = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
