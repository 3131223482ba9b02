"""Pages of insight (研判): dashboards, the one map, responsibility agreements, exports."""

from __future__ import annotations

from django.urls import URLPattern

app_name = "insight"

urlpatterns: list[URLPattern] = []
