from __future__ import annotations

from django.apps import AppConfig


class HazardsConfig(AppConfig):
    name = "zhengfa.hazards"
    label = "hazards"
    verbose_name = "隐患排查 Hazards"
