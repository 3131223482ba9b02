from __future__ import annotations

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "zhengfa.audit"
    label = "audit"
    verbose_name = "审计日志 Audit log"

    def ready(self) -> None:
        from zhengfa.audit import receivers  # noqa: F401 - connects the login receivers
