"""Hazards: inspection campaigns, rectification on the clock (隐患不过夜), the risk ledger."""

from __future__ import annotations

from django.apps import AppConfig


class HazardsConfig(AppConfig):
    name = "zhengfa.hazards"
    label = "hazards"
    verbose_name = "隐患排查 Hazards"

    def ready(self) -> None:
        from zhengfa.hazards import flows  # noqa: F401  (registers the hazard kind)
        from zhengfa.hazards.demo import build_demo_hazards
        from zhengfa.org.demo.hooks import register_demo_builder

        register_demo_builder("hazards", build_demo_hazards)
