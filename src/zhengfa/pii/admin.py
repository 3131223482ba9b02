"""People in the admin: masked values only, in the user's scope, never edited here
(registration, reveal and erasure go through the audited services)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from zhengfa.org.admin import ScopedAdmin
from zhengfa.pii.models import Person


@admin.register(Person)
class PersonAdmin(ScopedAdmin):
    list_display = (
        "pk",
        "name_masked",
        "id_number_masked",
        "phone_masked",
        "address_masked",
        "region",
        "erased_at",
    )
    list_select_related = ("region",)
    fields = (
        "name_masked",
        "id_number_masked",
        "phone_masked",
        "address_masked",
        "region",
        "unit",
        "created_by",
        "created_at",
        "erased_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
