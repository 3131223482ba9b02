from __future__ import annotations

from django.apps import AppConfig


class DisputesConfig(AppConfig):
    name = "zhengfa.disputes"
    label = "disputes"
    verbose_name = "矛盾纠纷 Disputes"
