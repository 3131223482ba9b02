from __future__ import annotations

from django.apps import AppConfig


class PoliceConfig(AppConfig):
    name = "zhengfa.police"
    label = "police"
    verbose_name = "警务 Police"
