"""Admin: the service catalogue (platform admins edit it, every change audited) and
Open311 clients (a key is issued on creation and shown once; revoking is an action)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from zhengfa.org.roles import Role
from zhengfa.org.services import record_save
from zhengfa.portal.models import Open311Client, ServiceItem
from zhengfa.portal.open311_services import open311_client_issue, open311_client_revoke


def _platform_admin(request: HttpRequest) -> bool:
    return getattr(request.user, "role", None) == Role.PLATFORM_ADMIN


@admin.register(ServiceItem)
class ServiceItemAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "name_zh", "category", "time_amount", "time_unit", "fee_yuan", "active")
    list_filter = ("category", "unit_kind", "licence", "open311", "active")
    search_fields = ("code", "name_zh", "name_en", "keywords")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _platform_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _platform_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _platform_admin(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _platform_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # applications refer to items; retire an item by unticking "active"

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        obj.full_clean()
        record_save(actor=request.user, obj=obj, reason="admin")  # type: ignore[arg-type]


@admin.register(Open311Client)
class Open311ClientAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "key_prefix", "issued_at", "revoked_at")
    fields = ("name", "contact")
    actions = ["revoke"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _platform_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _platform_admin(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _platform_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _platform_admin(request) and obj is None

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        issued, key = open311_client_issue(actor=request.user, name=obj.name, contact=obj.contact)
        obj.pk = issued.pk
        messages.warning(
            request, f"API key for {issued.name} (shown once, keep it now / 仅显示一次): {key}"
        )

    @admin.action(description="吊销 Revoke the selected keys")
    def revoke(self, request: HttpRequest, queryset: QuerySet[Open311Client]) -> None:
        for client in queryset.filter(revoked_at__isnull=True):
            open311_client_revoke(actor=request.user, client=client)
