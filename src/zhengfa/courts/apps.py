from __future__ import annotations

from django.apps import AppConfig


class CourtsConfig(AppConfig):
    name = "zhengfa.courts"
    label = "courts"
    verbose_name = "法院 Courts"
