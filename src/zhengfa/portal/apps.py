from __future__ import annotations

from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "zhengfa.portal"
    label = "portal"
    verbose_name = "网上服务大厅 Portal"

    def ready(self) -> None:
        from zhengfa.portal import flows  # noqa: F401  (registers the portal's kinds)
