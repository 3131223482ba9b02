"""Pages of insight (研判): dashboards, the one map, responsibility agreements, exports."""

from __future__ import annotations

from django.urls import URLPattern

from zhengfa.insight.alerts.urls import urlpatterns as alert_urlpatterns

app_name = "insight"

urlpatterns: list[URLPattern] = []
urlpatterns += alert_urlpatterns
