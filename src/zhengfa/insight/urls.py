"""Pages of insight (研判): dashboards, the one map, responsibility agreements, exports."""

from __future__ import annotations

from django.urls import URLPattern, path

from zhengfa.insight import confluence_views, dashboard_views, mapping_views
from zhengfa.insight.alerts.urls import urlpatterns as alert_urlpatterns
from zhengfa.insight.responsibility.urls import urlpatterns as responsibility_urlpatterns

app_name = "insight"

urlpatterns: list[URLPattern] = [
    *(
        path(f"dashboards/{key}/", dashboard_views.dashboard, {"key": key}, name=key)
        for key in ("courts", "governance", "commission")
    ),
    path("map/", mapping_views.one_map, name="map"),
    path("map/areas/<str:area>/", mapping_views.area_matter_list, name="map_area"),
    path("confluence/", confluence_views.confluence, name="confluence"),
]
urlpatterns += alert_urlpatterns
urlpatterns += responsibility_urlpatterns
