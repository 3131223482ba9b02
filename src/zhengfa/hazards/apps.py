"""Hazards: inspection campaigns, rectification on the clock (隐患不过夜), the risk ledger."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HazardsConfig(AppConfig):
    name = "zhengfa.hazards"
    label = "hazards"
    verbose_name = "隐患排查 Hazards"

    def ready(self) -> None:
        from zhengfa.hazards import flows  # noqa: F401  (registers the hazard kind)
        from zhengfa.hazards.demo import build_demo_hazards
        from zhengfa.org.demo.hooks import register_demo_builder

        register_demo_builder("hazards", build_demo_hazards)
        self._add_home_links()

    @staticmethod
    def _add_home_links() -> None:
        from zhengfa.org.roles import Role
        from zhengfa.web.roles import Link, add_role_links

        hazards = Link("hazards:home", _("隐患排查 Hazard inspection"))
        ledger = Link("hazards:ledger", _("风险台账 Risk ledger"))
        hazard_map = Link("hazards:map", _("隐患地图 Hazard map"))
        add_role_links((Role.GRID_WORKER, Role.POLICE_OFFICER, Role.DEPT_LIAISON), (hazards,))
        add_role_links(
            (Role.COMMISSION, Role.CENTRE_OPERATOR, Role.PLATFORM_ADMIN),
            (hazards, ledger, hazard_map),
        )
