from __future__ import annotations

from django.apps import AppConfig


class InsightResponsibilityConfig(AppConfig):
    name = "zhengfa.insight.responsibility"
    label = "insight_responsibility"
    verbose_name = "目标责任书 Responsibility agreements"

    def ready(self) -> None:
        from zhengfa.insight.responsibility.demo import build_demo_targets
        from zhengfa.org.demo.hooks import register_demo_builder

        register_demo_builder("insight_responsibility", build_demo_targets)
