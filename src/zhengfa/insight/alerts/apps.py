from __future__ import annotations

from django.apps import AppConfig


class InsightAlertsConfig(AppConfig):
    name = "zhengfa.insight.alerts"
    label = "insight_alerts"
    verbose_name = "研判预警 Insight alerts"
