"""Jurisdiction, enforced in one place.

Every queryset that reaches a user — API, pages, exports, admin — goes through
``Model.objects.for_user(user, action)``. A model says how its rows map to a scope with
a ``ScopeRule``; the user's role says which kind of scope they hold (``roles.ROLE_SCOPE``).
Objects are fetched with ``get_for_user``, which answers the same 404 for "missing" and
"forbidden", so a denied lookup leaks nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from django.db import models
from django.db.models import Q
from django.http import Http404

from zhengfa.org.roles import ROLE_SCOPE, ScopeKind

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from zhengfa.org.models import User

Action = Literal["view", "change"]
M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class ScopeRule:
    """How a model's rows map to a scope.

    ``region``: the lookup reaching a region code, e.g. ``region__code`` (Django trims the
    join because ``code`` is the foreign key's target; a prefix match gives the subtree);
    ``unit``: the field holding the owning unit's id; ``own``: fields holding user ids
    of the people taking part. ``reference`` marks shared reference data (regions,
    grids, units): unit-scoped users see it across their unit's region, and only the
    platform admin may change it.
    """

    region: str | None = None
    unit: str | None = None
    own: tuple[str, ...] = ()
    reference: bool = False


@dataclass(frozen=True)
class Scope:
    """What one user may see, derived from their role, region and unit."""

    kind: ScopeKind | None
    region_code: str | None = None
    unit_id: int | None = None
    unit_region_code: str | None = None
    user_id: int | None = None

    @classmethod
    def of(cls, user: User | AnonymousUser | None) -> Scope:
        if user is None or not user.is_authenticated or not user.is_active:
            return cls(kind=None)
        kind = ROLE_SCOPE.get(user.role)
        unit = user.unit
        return cls(
            kind=kind,
            region_code=user.region_id or (unit.region_id if unit else None),
            unit_id=user.unit_id,
            unit_region_code=unit.region_id if unit else None,
            user_id=user.pk,
        )

    def filter_for(self, rule: ScopeRule, action: Action = "view") -> Q | None:
        """The Q that selects rows in scope; ``None`` means nothing is in scope."""
        if self.kind is ScopeKind.ALL:
            return Q()
        if self.kind is None or (rule.reference and action == "change"):
            return None
        if self.kind is ScopeKind.REGION:
            return _prefix(rule.region, self.region_code)
        if self.kind is ScopeKind.UNIT:
            return self._unit_filter(rule)
        return _any_equal(rule.own, self.user_id)

    def _unit_filter(self, rule: ScopeRule) -> Q | None:
        if rule.reference or rule.unit is None:
            return _prefix(rule.region, self.unit_region_code)
        if self.unit_id is None:
            return None
        return Q(**{rule.unit: self.unit_id})


def _prefix(field: str | None, code: str | None) -> Q | None:
    if field is None or not code:
        return None
    return Q(**{f"{field}__startswith": code})


def _any_equal(fields: tuple[str, ...], user_id: int | None) -> Q | None:
    if not fields or user_id is None:
        return None
    q = Q()
    for field in fields:
        q |= Q(**{field: user_id})
    return q


class ScopedQuerySet(models.QuerySet[M]):
    def for_user(self, user: Any, action: Action = "view") -> ScopedQuerySet[M]:
        rule: ScopeRule = self.model.scope  # type: ignore[attr-defined]
        condition = Scope.of(user).filter_for(rule, action)
        if condition is None:
            return self.none()
        return self.filter(condition)


def get_for_user(
    queryset: ScopedQuerySet[M], user: Any, action: Action = "view", **lookup: Any
) -> M:
    """One object in the user's scope, or 404 — the same 404 whether missing or forbidden."""
    found = queryset.for_user(user, action).filter(**lookup).first()
    if found is None:
        raise Http404(f"No {queryset.model._meta.verbose_name} matches the given query.")
    return found
