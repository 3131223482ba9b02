"""Disputes: "1+4+N" dispute resolution, the three ways to mediate (三调), letters and visits."""

from __future__ import annotations

from django.apps import AppConfig


class DisputesConfig(AppConfig):
    name = "zhengfa.disputes"
    label = "disputes"
    verbose_name = "矛盾纠纷 Disputes"

    def ready(self) -> None:
        from zhengfa.disputes import flows  # noqa: F401  (registers the kinds of matter)
        from zhengfa.disputes.demo import build_demo_disputes
        from zhengfa.org.demo.hooks import register_demo_builder

        register_demo_builder("disputes", build_demo_disputes)
