from __future__ import annotations

from django.apps import AppConfig


class CourtsConfig(AppConfig):
    name = "zhengfa.courts"
    label = "courts"
    verbose_name = "法院 Courts"

    def ready(self) -> None:
        from zhengfa.courts import flows  # noqa: F401  (registers the courts' matter kinds)
