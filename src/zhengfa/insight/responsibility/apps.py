from __future__ import annotations

from django.apps import AppConfig


class InsightResponsibilityConfig(AppConfig):
    name = "zhengfa.insight.responsibility"
    label = "insight_responsibility"
    verbose_name = "目标责任书 Responsibility agreements"

    def ready(self) -> None:
        from zhengfa.insight.responsibility.demo import build_demo_targets
        from zhengfa.org.demo.hooks import register_demo_builder

        register_demo_builder("insight_responsibility", build_demo_targets)
        self._link_from_role_homes()

    def _link_from_role_homes(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from zhengfa.org.roles import Role
        from zhengfa.web.roles import Link, add_role_links

        link = Link("insight:responsibility", _("目标责任书考评 Responsibility agreements"))
        readers = (Role.COMMISSION, Role.PLATFORM_ADMIN, Role.DEPT_LIAISON, Role.COURT_PRESIDENT)
        add_role_links(readers, (link,))
