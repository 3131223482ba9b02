from __future__ import annotations

from django.apps import AppConfig


class FlowConfig(AppConfig):
    name = "zhengfa.flow"
    label = "flow"
    verbose_name = "流程引擎 Flow engine"

    def ready(self) -> None:
        from zhengfa.flow import checks  # noqa: F401  (registers the start-up checks)
