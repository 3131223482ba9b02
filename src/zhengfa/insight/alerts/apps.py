from __future__ import annotations

from datetime import datetime

from django.apps import AppConfig


class InsightAlertsConfig(AppConfig):
    name = "zhengfa.insight.alerts"
    label = "insight_alerts"
    verbose_name = "研判预警 Insight alerts"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from zhengfa.flow.sweeper import AFTER_SWEEP
        from zhengfa.org.roles import Role
        from zhengfa.web.roles import Link, add_role_links

        AFTER_SWEEP.append(weekly_after_sweep)
        viewers = (Role.COMMISSION, Role.CENTRE_OPERATOR, Role.DEPT_LIAISON)
        add_role_links(viewers, (Link("insight:alerts", _("趋势预警 Trend alerts")),))


def weekly_after_sweep(at: datetime) -> object:
    """The sweeper's weekly step: detect the closed week, then e-mail its reports."""
    from zhengfa.insight.alerts.services import weekly_after_sweep as run

    return run(at)
