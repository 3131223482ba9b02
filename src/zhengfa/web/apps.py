from __future__ import annotations

from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "zhengfa.web"
    label = "web"
    verbose_name = "网页 Web"
