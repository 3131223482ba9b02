"""Admin: campaign themes (with their default checklists) and the rectification limit per
severity — data the platform admin edits; every change audited, nothing deleted."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from zhengfa.hazards.models import CampaignTheme, RectificationLimit
from zhengfa.org.roles import Role
from zhengfa.org.services import record_save


class PlatformAdminOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    def _allowed(self, request: HttpRequest) -> bool:
        return getattr(request.user, "role", None) == Role.PLATFORM_ADMIN

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # campaigns refer to themes; retire a theme by unticking "active"

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        obj.full_clean()
        record_save(actor=request.user, obj=obj, reason="admin")  # type: ignore[arg-type]


@admin.register(CampaignTheme)
class CampaignThemeAdmin(PlatformAdminOnly):
    list_display = ("code", "name", "name_en", "active", "order")
    search_fields = ("code", "name", "name_en")


@admin.register(RectificationLimit)
class RectificationLimitAdmin(PlatformAdminOnly):
    list_display = ("severity", "same_day", "cutoff", "amount", "unit", "legal_basis")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # one row per severity, seeded by the migration
