"""Roles and the kind of scope each one needs.

A user holds one role in one place. The scope kind says what the role may see:
- ``ALL``: the whole platform (platform admin);
- ``REGION``: a region subtree by its GB/T 2260 code (city commission, governance centre);
- ``UNIT``: one unit and the matters it owns (court staff, departments, police, mediators);
- ``OWN``: only the matters the person takes part in (grid workers see their grids too);
- anonymous visitors are no user at all and see only public pages.
"""

from __future__ import annotations

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PLATFORM_ADMIN = "platform_admin", _("平台管理员 Platform admin")
    COMMISSION = "commission", _("政法委 City commission")
    CENTRE_OPERATOR = "centre_operator", _("综治中心操作员 Governance centre operator")
    GRID_WORKER = "grid_worker", _("网格员 Grid worker")
    MEDIATOR = "mediator", _("调解员 Mediator")
    DEPT_LIAISON = "dept_liaison", _("部门联络员 Department liaison")
    COURT_REGISTRAR = "court_registrar", _("立案登记员 Court registrar")
    JUDGE = "judge", _("法官 Judge")
    DIVISION_PRESIDENT = "division_president", _("庭长 Division president")
    COURT_PRESIDENT = "court_president", _("院长 Court president")
    CLERK = "clerk", _("书记员 Clerk")
    POLICE_OFFICER = "police_officer", _("民警 Police officer")
    CITIZEN = "citizen", _("群众 Citizen")


class ScopeKind(StrEnum):
    ALL = "all"
    REGION = "region"
    UNIT = "unit"
    OWN = "own"


ROLE_SCOPE: dict[str, ScopeKind] = {
    Role.PLATFORM_ADMIN: ScopeKind.ALL,
    Role.COMMISSION: ScopeKind.REGION,
    Role.CENTRE_OPERATOR: ScopeKind.REGION,
    Role.GRID_WORKER: ScopeKind.OWN,
    Role.MEDIATOR: ScopeKind.UNIT,
    Role.DEPT_LIAISON: ScopeKind.UNIT,
    Role.COURT_REGISTRAR: ScopeKind.UNIT,
    Role.JUDGE: ScopeKind.UNIT,
    Role.DIVISION_PRESIDENT: ScopeKind.UNIT,
    Role.COURT_PRESIDENT: ScopeKind.UNIT,
    Role.CLERK: ScopeKind.UNIT,
    Role.POLICE_OFFICER: ScopeKind.UNIT,
    Role.CITIZEN: ScopeKind.OWN,
}

# Roles whose work needs personal data (ID numbers, phones, addresses) in clear.
# Every such view is still written to the audit log.
ROLES_SEEING_PERSONAL_DATA: frozenset[str] = frozenset(
    {
        Role.COURT_REGISTRAR,
        Role.JUDGE,
        Role.CLERK,
        Role.MEDIATOR,
        Role.POLICE_OFFICER,
    }
)

# The kinds of unit (``models.UnitKind`` values) a unit-scoped role may belong to;
# a unit-scoped role missing here may belong to any unit.
ROLE_UNIT_KINDS: dict[str, frozenset[str]] = {
    Role.COURT_REGISTRAR: frozenset({"court"}),
    Role.JUDGE: frozenset({"court"}),
    Role.DIVISION_PRESIDENT: frozenset({"court"}),
    Role.COURT_PRESIDENT: frozenset({"court"}),
    Role.CLERK: frozenset({"court"}),
    Role.POLICE_OFFICER: frozenset({"police_station", "police_bureau"}),
    Role.MEDIATOR: frozenset({"mediation_committee", "mediation_studio"}),
}
