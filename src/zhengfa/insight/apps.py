from __future__ import annotations

from datetime import datetime
from typing import Any

from django.apps import AppConfig


class InsightConfig(AppConfig):
    name = "zhengfa.insight"
    label = "insight"
    verbose_name = "研判 Insight"

    def ready(self) -> None:
        from zhengfa.flow.sweeper import AFTER_SWEEP
        from zhengfa.org.demo.hooks import register_demo_builder

        # The worker's sweep keeps the dashboards' count tables current (``make run``);
        # the demo build fills them once every domain has written its history.
        AFTER_SWEEP.append(refresh_after_sweep)
        register_demo_builder("insight", build_demo_counts)
        self._add_home_links()

    @staticmethod
    def _add_home_links() -> None:
        from django.utils.translation import gettext_lazy as _

        from zhengfa.org.roles import Role
        from zhengfa.web.roles import Link, add_role_links

        courts = Link("insight:courts", _("Court supervision dashboard"))
        governance = Link("insight:governance", _("Governance centre dashboard"))
        commission = Link("insight:commission", _("Commission dashboard"))
        add_role_links((Role.COURT_PRESIDENT, Role.DIVISION_PRESIDENT), (courts,))
        add_role_links((Role.CENTRE_OPERATOR,), (governance,))
        add_role_links((Role.COMMISSION, Role.PLATFORM_ADMIN), (commission, governance, courts))
        one_map = Link("insight:map", _("One map"))
        confluence = Link("insight:confluence", _("Confluence and stacking"))
        add_role_links(
            (Role.COMMISSION, Role.CENTRE_OPERATOR, Role.PLATFORM_ADMIN), (one_map, confluence)
        )


# Batches of the change queue one sweep pass applies: the sweep must stay bounded, and the
# refresh is restartable, so a backlog (a bulk import, a recalculation) drains over the
# next passes; ``zhengfa insight refresh`` drains it all at once.
SWEEP_BATCHES = 4
SWEEP_BATCH_SIZE = 500


def refresh_after_sweep(at: datetime) -> object:
    from zhengfa.insight.refresh import refresh

    return refresh(limit=SWEEP_BATCH_SIZE, max_batches=SWEEP_BATCHES)


def build_demo_counts(seed: int, progress: Any) -> dict[str, int]:
    from zhengfa.insight.refresh import rebuild

    result = rebuild()
    return {"insight_matter_facts": result.matters, "insight_daily_cells": result.cells}
