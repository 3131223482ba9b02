from __future__ import annotations

from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "zhengfa.portal"
    label = "portal"
    verbose_name = "网上服务大厅 Portal"

    def ready(self) -> None:
        from zhengfa.org.demo.hooks import register_demo_builder
        from zhengfa.portal import flows  # noqa: F401  (registers the portal's kinds)
        from zhengfa.portal.demo import build_demo_portal

        register_demo_builder("portal", build_demo_portal)
