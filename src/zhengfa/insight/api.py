"""/api/v1/insight/: read-only figures over every matter, scoped to the caller's area."""

from __future__ import annotations

from ninja import Router

from zhengfa.insight.alerts.api import router as alerts_router
from zhengfa.insight.confluence_api import router as confluence_router
from zhengfa.insight.dashboard_api import router as dashboards_router
from zhengfa.insight.mapping_api import router as map_router
from zhengfa.insight.responsibility.api import router as responsibility_router

router = Router(tags=["insight"])
router.add_router("/map", map_router)
router.add_router("/confluence", confluence_router)
router.add_router("/alerts", alerts_router)
router.add_router("/dashboards", dashboards_router)
router.add_router("/responsibility", responsibility_router)
