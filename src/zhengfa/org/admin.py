"""The admin, scoped like everything else: ``ScopedAdmin`` lists only what
``for_user(user, "view")`` returns and allows edits only where ``for_user(user, "change")``
does. Its saves and deletes go through the audited org services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from zhengfa.org.models import Grid, PoliceBeat, Region, Unit, User
from zhengfa.org.scoping import Action, Scope
from zhengfa.org.services import record_delete, record_save


class ScopedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """A ModelAdmin that shows and edits only rows in the user's jurisdiction."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).for_user(request.user, "view")  # type: ignore[attr-defined]

    def _in_scope(self, request: HttpRequest, obj: models.Model | None, action: Action) -> bool:
        rule = self.model.scope  # type: ignore[attr-defined]
        if Scope.of(request.user).filter_for(rule, action) is None:
            return False
        if obj is None:
            return True
        manager: Any = self.model._default_manager
        return bool(manager.for_user(request.user, action).filter(pk=obj.pk).exists())

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_view_permission(request, obj) and self._in_scope(request, obj, "view")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and self._in_scope(request, obj, "change")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and self._in_scope(request, None, "change")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        return allowed and self._in_scope(request, obj, "change")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        record_save(actor=request.user, obj=obj, reason="admin")  # type: ignore[arg-type]

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        record_delete(actor=request.user, obj=obj, reason="admin")  # type: ignore[arg-type]

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(Region)
class RegionAdmin(ScopedAdmin):
    list_display = ("code", "name", "level", "parent", "population", "is_demo")
    list_filter = ("level", "is_demo")
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)


@admin.register(Unit)
class UnitAdmin(ScopedAdmin):
    list_display = ("code", "name", "kind", "level", "region", "court_code", "is_responsible_unit")
    list_filter = ("kind", "level", "is_responsible_unit", "is_demo")
    list_select_related = ("region",)
    search_fields = ("code", "name", "court_code")
    raw_id_fields = ("region", "parent")


@admin.register(PoliceBeat)
class PoliceBeatAdmin(ScopedAdmin):
    list_display = ("code", "name", "station", "region")
    list_select_related = ("station", "region")
    search_fields = ("code", "name")
    raw_id_fields = ("station", "region")


@admin.register(Grid)
class GridAdmin(ScopedAdmin):
    list_display = ("code", "name", "region", "worker", "beat", "area_km2", "population")
    list_select_related = ("region", "worker", "beat")
    search_fields = ("code", "name")
    raw_id_fields = ("region", "beat", "worker")
    readonly_fields = ("centroid_lon", "centroid_lat", "area_km2")


@admin.register(User)
class ScopedUserAdmin(ScopedAdmin, UserAdmin):  # type: ignore[type-arg]
    list_display = ("username", "full_name", "role", "unit", "region", "is_active")
    list_filter = ("role", "is_active", "is_demo")
    list_select_related = ("unit", "region")
    search_fields = ("username", "full_name")
    raw_id_fields = ("unit", "region")
    fieldsets = (
        *UserAdmin.fieldsets,  # type: ignore[misc]
        (_("角色与辖区 Role and scope"), {"fields": ("full_name", "role", "unit", "region")}),
    )
    add_fieldsets = (
        *UserAdmin.add_fieldsets,
        (_("角色与辖区 Role and scope"), {"fields": ("full_name", "role", "unit", "region")}),
    )
