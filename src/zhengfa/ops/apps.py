from __future__ import annotations

from django.apps import AppConfig


class OpsConfig(AppConfig):
    """No models: the app exists for the ``backup`` and ``restore`` commands."""

    name = "zhengfa.ops"
    label = "ops"
    verbose_name = "运维 Operations"
