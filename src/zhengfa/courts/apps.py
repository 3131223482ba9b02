from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CourtsConfig(AppConfig):
    name = "zhengfa.courts"
    label = "courts"
    verbose_name = "法院 Courts"

    def ready(self) -> None:
        from zhengfa.courts import flows  # noqa: F401  (registers the courts' matter kinds)

        self._add_home_links()
        from zhengfa.courts.demo import build_demo_courts
        from zhengfa.org.demo.hooks import register_demo_builder

        register_demo_builder("courts", build_demo_courts)

    @staticmethod
    def _add_home_links() -> None:
        from zhengfa.org.roles import Role
        from zhengfa.web.roles import Link, add_role_links

        cases = Link("courts:cases", _("案件 Cases"))
        calendar = Link("courts:calendar", _("开庭公告 Hearing calendar"))
        presidents = (
            cases,
            Link("courts:approvals", _("审限变更审批 Limit approvals")),
            Link("courts:supervision", _("审判监管 Supervision")),
            Link("courts:listings", _("失信与限高名单 Enforcement lists")),
        )
        add_role_links(
            (Role.COURT_REGISTRAR,),
            (
                Link("courts:filings", _("立案审查 Filing queue")),
                Link("courts:filing_new", _("窗口立案 File at the counter")),
                cases,
                Link("courts:appeals", _("待收上诉案件 Appeals to receive")),
            ),
        )
        add_role_links(
            (Role.JUDGE,), (cases, Link("courts:listings", _("失信与限高名单 Enforcement lists")))
        )
        add_role_links((Role.CLERK,), (cases, calendar))
        add_role_links((Role.DIVISION_PRESIDENT, Role.COURT_PRESIDENT), presidents)
        add_role_links(
            (Role.CITIZEN,),
            (
                Link("courts:filing_new", _("网上立案 File a case online")),
                Link("courts:filings", _("我的立案 My filings")),
                Link("courts:progress", _("案件进度查询 Case progress")),
                calendar,
            ),
        )
