from __future__ import annotations

from django.apps import AppConfig


class PiiConfig(AppConfig):
    name = "zhengfa.pii"
    label = "pii"
    verbose_name = "个人信息 Personal data"

    def ready(self) -> None:
        from zhengfa.pii import checks  # noqa: F401 - registers the system checks
