"""Admin for the commission: targets are checked and saved through the service (audited);
stored scores are read-only (they come from ``zhengfa insight score``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest

from zhengfa.insight.responsibility.models import IndicatorScore, Target, UnitScore
from zhengfa.insight.responsibility.services import (
    TargetInput,
    clean,
    may_set_targets,
    target_set,
)
from zhengfa.org.admin import ScopedAdmin


def _input(data: dict[str, Any]) -> TargetInput:
    unit = data.get("unit")
    return TargetInput(
        unit=unit.code if unit is not None else "",
        year=data.get("year", ""),
        indicator=data.get("indicator", ""),
        target_value=data.get("target_value", ""),
        weight=data.get("weight", ""),
        tolerance=data.get("tolerance"),
    )


class TargetAdminForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Target
        fields = ("unit", "year", "indicator", "target_value", "weight", "tolerance")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors:
            try:
                clean(_input(data))
            except ValidationError as error:
                for field, problems in error.message_dict.items():
                    self.add_error(field if field in self.fields else None, problems)
        return data


@admin.register(Target)
class TargetAdmin(ScopedAdmin):
    form = TargetAdminForm
    list_display = ("unit", "year", "indicator", "target_value", "weight", "tolerance", "set_at")
    list_filter = ("year", "indicator")
    search_fields = ("unit__code", "unit__name")
    readonly_fields = ("set_by", "set_at")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not may_set_targets(request.user, obj.unit):
            raise PermissionDenied
        saved = target_set(actor=request.user, data=_input(form.cleaned_data))
        obj.pk = saved.pk


class IndicatorScoreInline(admin.TabularInline):  # type: ignore[type-arg]
    model = IndicatorScore
    extra = 0
    can_delete = False
    readonly_fields = (
        "indicator",
        "target_value",
        "weight",
        "tolerance",
        "numerator",
        "denominator",
        "actual",
        "score",
    )

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(UnitScore)
class UnitScoreAdmin(ScopedAdmin):
    list_display = ("unit", "year", "total", "rank", "as_of", "computed_at")
    list_filter = ("year",)
    inlines = (IndicatorScoreInline,)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
