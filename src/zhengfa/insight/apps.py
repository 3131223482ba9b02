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


def refresh_after_sweep(at: datetime) -> object:
    from zhengfa.insight.refresh import refresh

    return refresh()


def build_demo_counts(seed: int, progress: Any) -> dict[str, int]:
    from zhengfa.insight.refresh import rebuild

    result = rebuild()
    return {"insight_matter_facts": result.matters, "insight_daily_cells": result.cells}
