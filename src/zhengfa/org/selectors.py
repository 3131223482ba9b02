"""Reads of the organisation model. Anything shown to a user is scoped with ``for_user``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zhengfa.org.demo.people import demo_password
from zhengfa.org.models import Grid, Region, Unit, User
from zhengfa.org.roles import Role
from zhengfa.org.scoping import Action, ScopedQuerySet


@dataclass(frozen=True)
class DemoLogin:
    role: str
    role_label: str
    username: str
    password: str
    place: str


def city_loaded() -> bool:
    return Region.objects.exists()


def demo_logins() -> list[DemoLogin]:
    """The demo city's logins, one per role, in the order roles are listed."""
    users = {
        u.username: u
        for u in User.objects.filter(is_demo=True, username__in=Role.values).select_related(
            "unit", "region"
        )
    }
    return [
        DemoLogin(
            role.value,
            str(role.label),
            role.value,
            demo_password(role.value),
            _place(users[role.value]),
        )
        for role in Role
        if role.value in users
    ]


def _place(user: User) -> str:
    if user.unit is not None:
        return user.unit.name
    return user.region.name if user.region is not None else "全市 whole platform"


def regions_for_user(user: Any, action: Action = "view") -> ScopedQuerySet[Region]:
    return Region.objects.for_user(user, action)


def units_for_user(user: Any, action: Action = "view") -> ScopedQuerySet[Unit]:
    return Unit.objects.for_user(user, action).select_related("region")


def grids_for_user(user: Any, action: Action = "view") -> ScopedQuerySet[Grid]:
    return Grid.objects.for_user(user, action)
