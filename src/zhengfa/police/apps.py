"""Police work: incident intake and triage (警情分流), duty planning, anti-fraud warnings."""

from __future__ import annotations

from django.apps import AppConfig


class PoliceConfig(AppConfig):
    name = "zhengfa.police"
    label = "police"
    verbose_name = "警务 Police"

    def ready(self) -> None:
        from zhengfa.police import flows  # noqa: F401  (registers the police kinds)
