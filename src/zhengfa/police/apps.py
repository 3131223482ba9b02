"""Police work: incident intake and triage (警情分流), duty planning, anti-fraud warnings."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliceConfig(AppConfig):
    name = "zhengfa.police"
    label = "police"
    verbose_name = "警务 Police"

    def ready(self) -> None:
        from zhengfa.org.demo.hooks import register_demo_builder
        from zhengfa.police import flows  # noqa: F401  (registers the police kinds)
        from zhengfa.police.demo import build_demo_police

        register_demo_builder("police", build_demo_police)
        self._add_home_links()

    @staticmethod
    def _add_home_links() -> None:
        from zhengfa.org.roles import Role
        from zhengfa.web.roles import Link, add_role_links

        desk = Link("police:desk", _("接处警 Incident desk"))
        rosters = Link("police:rosters", _("勤务排班 Duty rosters"))
        fraud = Link("police:fraud", _("反诈查询 Fraud check"))
        add_role_links((Role.POLICE_OFFICER,), (desk, rosters, fraud))
        add_role_links(
            (Role.DEPT_LIAISON, Role.CENTRE_OPERATOR),
            (Link("police:referrals", _("警情分流转办 Diverted reports")),),
        )
        add_role_links(
            (Role.CITIZEN,),
            (
                Link("police:report", _("网上报警 Report to the police")),
                fraud,
                Link("police:fraud_report", _("举报诈骗 Report a fraud")),
            ),
        )
