from __future__ import annotations

from django.apps import AppConfig


class InsightConfig(AppConfig):
    name = "zhengfa.insight"
    label = "insight"
    verbose_name = "研判 Insight"
