from __future__ import annotations

from django.apps import AppConfig


class FlowConfig(AppConfig):
    name = "zhengfa.flow"
    label = "flow"
    verbose_name = "流程引擎 Flow engine"
