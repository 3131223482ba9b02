"""What each role does, for its home page. Later domains add their links here."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from zhengfa.org.roles import Role


@dataclass(frozen=True)
class Link:
    url_name: str
    label: Promise


MAP = Link("web:map", _("Grid map"))
API_DOCS = Link("api-v1:openapi-view", _("API documentation"))
ADMIN = Link("admin:index", _("Administration"))
MY_MATTERS = Link("flow:workbench", _("My matters"))
OVERDUE = Link("flow:overdue", _("Overdue board"))
APPROVALS = Link("flow:approvals", _("Approvals"))

ROLE_DUTIES: dict[str, Promise] = {
    Role.PLATFORM_ADMIN: _("Keep the platform running: users, units, regions and grids."),
    Role.COMMISSION: _(
        "Oversee political-legal work in your region: every matter, its owner and its "
        "statutory time limit."
    ),
    Role.CENTRE_OPERATOR: _(
        "Receive, route and follow up matters at your governance centre until they close."
    ),
    Role.GRID_WORKER: _("Report and follow up what happens in your grids."),
    Role.MEDIATOR: _("Mediate the disputes assigned to your organisation within their limits."),
    Role.DEPT_LIAISON: _("Handle the matters routed to your department on time."),
    Role.COURT_REGISTRAR: _("Register cases and start their statutory clocks."),
    Role.JUDGE: _("Hear your cases within their time limits."),
    Role.DIVISION_PRESIDENT: _("Supervise your division's cases and approve extensions."),
    Role.COURT_PRESIDENT: _("Supervise your court's cases and approve extensions."),
    Role.CLERK: _("Keep the records and service of your court's cases."),
    Role.POLICE_OFFICER: _("Handle the police matters of your station's beats."),
    Role.CITIZEN: _("Follow the requests and disputes you have raised."),
}

SUPERVISING: tuple[Link, ...] = (MY_MATTERS, OVERDUE, APPROVALS, MAP, API_DOCS)
ROLE_LINKS: dict[str, tuple[Link, ...]] = {
    Role.PLATFORM_ADMIN: (OVERDUE, MAP, ADMIN, API_DOCS),
    Role.COMMISSION: SUPERVISING,
    Role.CENTRE_OPERATOR: SUPERVISING,
    Role.DIVISION_PRESIDENT: SUPERVISING,
    Role.COURT_PRESIDENT: SUPERVISING,
    Role.CITIZEN: (),
}
DEFAULT_LINKS: tuple[Link, ...] = (MY_MATTERS, MAP, API_DOCS)


def links_for(role: str) -> tuple[Link, ...]:
    return ROLE_LINKS.get(role, DEFAULT_LINKS)


def add_role_links(roles: tuple[str, ...], links: tuple[Link, ...]) -> None:
    """A domain app adds its pages to these roles' home pages (called in its ready())."""
    for role in roles:
        ROLE_LINKS[role] = (*links_for(role), *links)
