"""Admin pages for what a city edits: response targets and triage rules."""

from __future__ import annotations

from django.contrib import admin

from zhengfa.police.models import ResponseTarget, TriageRule


@admin.register(ResponseTarget)
class ResponseTargetAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("category", "area", "dispatch_minutes", "arrive_minutes", "close_minutes")


@admin.register(TriageRule)
class TriageRuleAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """``TriageRule.clean`` refuses a rule naming a unit that does not exist."""

    list_display = ("order", "name", "category", "keywords", "target", "unit_code", "active")
    list_editable = ("active",)
