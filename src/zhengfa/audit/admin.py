"""The audit log in the admin: read-only, for the platform admin only, sealed data hidden."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from zhengfa.audit.models import AuditEntry, Checkpoint
from zhengfa.org.roles import Role


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Nothing here is ever added, changed or deleted; only the platform admin looks."""

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        role = getattr(request.user, "role", None)
        return super().has_view_permission(request, obj) and role == Role.PLATFORM_ADMIN

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "action",
        "actor_label",
        "actor_role",
        "subject_type",
        "subject_id",
        "subject_label",
        "has_personal",
        "shard",
        "seq",
    )
    list_filter = ("action", "subject_type", "actor_role")
    search_fields = ("subject_id", "actor_label", "action")
    exclude = ("personal",)
    ordering = ("-id",)

    @admin.display(boolean=True, description=_("含密封个人信息 sealed personal data"))
    def has_personal(self, entry: AuditEntry) -> bool:
        return bool(entry.personal)


@admin.register(Checkpoint)
class CheckpointAdmin(ReadOnlyAdmin):
    list_display = ("number", "created_at", "key_fingerprint", "signature")
    ordering = ("-number",)
