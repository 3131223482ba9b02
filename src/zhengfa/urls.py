"""URL map: the web shell, the API at /api/v1/, the admin."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from zhengfa.api import api
from zhengfa.courts.api import router as courts_router
from zhengfa.disputes.api import router as disputes_router
from zhengfa.flow.api import router as flow_router
from zhengfa.hazards.api import router as hazards_router
from zhengfa.insight.api import router as insight_router
from zhengfa.org.api import router as org_router
from zhengfa.police.api import router as police_router

api.add_router("/", org_router)
api.add_router("/flow/", flow_router)
api.add_router("/courts/", courts_router)
api.add_router("/disputes/", disputes_router)
api.add_router("/hazards/", hazards_router)
api.add_router("/police/", police_router)
api.add_router("/insight/", insight_router)

urlpatterns = [
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("flow/", include("zhengfa.flow.urls")),
    path("open311/v2/", include("zhengfa.portal.open311_urls")),
    path("portal/", include("zhengfa.portal.urls")),
    path("disputes/", include("zhengfa.disputes.urls")),
    path("courts/", include("zhengfa.courts.urls")),
    path("hazards/", include("zhengfa.hazards.urls")),
    path("police/", include("zhengfa.police.urls")),
    path("insight/", include("zhengfa.insight.urls")),
    path("", include("zhengfa.web.urls")),
    path("admin/", admin.site.urls),
]
