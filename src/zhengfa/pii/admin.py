"""People in the admin: masked values only, in the user's scope, never edited here
(registration, reveal and erasure go through the audited services). The platform admin
has one action: export one person's data (unmasked, audited) on a request."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from zhengfa.org.admin import ScopedAdmin
from zhengfa.org.roles import Role
from zhengfa.pii.export import person_export
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
    actions = ("export_personal_data",)

    def has_export_permission(self, request: HttpRequest) -> bool:
        return getattr(request.user, "role", None) == Role.PLATFORM_ADMIN

    @admin.action(
        description=_("导出个人信息（明文，记入审计）Export personal data (audited)"),
        permissions=["export"],
    )
    def export_personal_data(
        self, request: HttpRequest, queryset: QuerySet[Person]
    ) -> HttpResponse | None:
        if queryset.count() != 1:
            self.message_user(
                request, _("请只选择一人 / select exactly one person"), messages.ERROR
            )
            return None
        person = queryset.get()
        reason = request.POST.get("reason", "")
        error = ""
        if "apply" in request.POST:
            try:
                export = person_export(actor=request.user, person=person, reason=reason)
            except (ValidationError, PermissionDenied) as exc:
                error = "; ".join(getattr(exc, "messages", [str(exc)]))
            else:
                body = json.dumps(export, ensure_ascii=False, indent=2)
                response = HttpResponse(body, content_type="application/json; charset=utf-8")
                response["Content-Disposition"] = (
                    f'attachment; filename="person-{person.pk}-export.json"'
                )
                return response
        context = {**self.admin_site.each_context(request), "person": person, "reason": reason}
        context["error"] = error
        return TemplateResponse(request, "admin/pii/person/export.html", context)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
