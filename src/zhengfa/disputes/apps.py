"""Disputes: "1+4+N" dispute resolution, the three ways to mediate (三调), letters and visits."""

from __future__ import annotations

from datetime import datetime

from django.apps import AppConfig


class DisputesConfig(AppConfig):
    name = "zhengfa.disputes"
    label = "disputes"
    verbose_name = "矛盾纠纷 Disputes"

    def ready(self) -> None:
        from zhengfa.disputes import flows  # noqa: F401  (registers the kinds of matter)
        from zhengfa.disputes.demo import build_demo_disputes
        from zhengfa.flow.sweeper import AFTER_SWEEP
        from zhengfa.org.demo.hooks import register_demo_builder

        register_demo_builder("disputes", build_demo_disputes)
        AFTER_SWEEP.append(escalate_after_sweep)
        self._add_home_links()

    @staticmethod
    def _add_home_links() -> None:
        from django.utils.translation import gettext_lazy as _

        from zhengfa.org.roles import Role
        from zhengfa.web.roles import Link, add_role_links

        petitions = Link("disputes:petitions", _("信访事项 Letters and visits"))
        analyses = Link("disputes:analyses", _("联合研判 Joint analysis and tasks"))
        add_role_links((Role.DEPT_LIAISON, Role.CENTRE_OPERATOR, Role.COMMISSION), (petitions,))
        add_role_links((Role.DEPT_LIAISON, Role.CENTRE_OPERATOR, Role.COMMISSION), (analyses,))


def escalate_after_sweep(at: datetime) -> object:
    """The sweeper's step for disputes: an overdue mediation goes one level up."""
    from zhengfa.disputes.services.routing import disputes_escalate_overdue

    return disputes_escalate_overdue(at=at)
