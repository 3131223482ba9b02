"""``user_create``: a role gets the scope it needs, or a ValidationError naming the field."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tests.org.mini_city import COUNTY_A, MiniCity
from zhengfa.audit.models import AuditEntry
from zhengfa.org.models import Unit, User
from zhengfa.org.roles import Role
from zhengfa.org.services import user_create


def _refused(field: str, fragment: str, **kwargs: object) -> None:
    users, audit_rows = User.objects.count(), AuditEntry.objects.count()
    with pytest.raises(ValidationError) as caught:
        user_create(actor=None, username="new", **kwargs)  # type: ignore[arg-type]
    assert list(caught.value.message_dict) == [field]
    assert fragment in " ".join(caught.value.message_dict[field])
    assert User.objects.count() == users and AuditEntry.objects.count() == audit_rows


def test_region_roles_need_a_region(mini_city: MiniCity) -> None:
    _refused("region", "needs a region", role=Role.CENTRE_OPERATOR)
    _refused("region", "needs a region", role=Role.COMMISSION)


def test_unit_roles_need_a_unit_of_the_right_kind(mini_city: MiniCity) -> None:
    _refused("unit", "needs a unit (court)", role=Role.JUDGE)
    station = Unit.objects.get(code=f"{COUNTY_A}-PCS")
    _refused("unit", "accepted: court", role=Role.CLERK, unit=station)
    _refused(
        "unit",
        "accepted: police_bureau, police_station",
        role=Role.POLICE_OFFICER,
        unit=mini_city.courts[COUNTY_A],
    )
    _refused("unit", "any unit", role=Role.DEPT_LIAISON)


def test_unknown_role_and_unknown_region_are_named(mini_city: MiniCity) -> None:
    _refused("role", "accepted: platform_admin", role="sheriff")
    _refused("region", "unknown region code '999999'", role=Role.COMMISSION, region="999999")


def test_a_valid_user_is_created_and_audited_without_its_password(mini_city: MiniCity) -> None:
    admin = mini_city.users[Role.PLATFORM_ADMIN]
    judge = user_create(
        actor=admin,
        username="new-judge",
        role=Role.JUDGE,
        unit=mini_city.courts[COUNTY_A],
        password="a-long-passphrase",
    )
    assert judge.check_password("a-long-passphrase")
    entry = AuditEntry.objects.get(action="org.user_create", subject_id=str(judge.pk))
    assert entry.actor_id == admin.pk
    assert entry.new["role"] == Role.JUDGE and "password" not in entry.new
    operator = user_create(actor=admin, username="op", role=Role.CENTRE_OPERATOR, region="230402")
    assert operator.region_id == "230402" and not operator.has_usable_password()


def test_a_platform_admin_needs_no_scope_and_is_staff(mini_city: MiniCity) -> None:
    admin = user_create(actor=None, username="root2", role=Role.PLATFORM_ADMIN)
    assert admin.is_staff and admin.is_superuser


def test_own_scoped_roles_need_nothing_more(mini_city: MiniCity) -> None:
    citizen = user_create(actor=None, username="citizen2", role=Role.CITIZEN)
    assert citizen.unit is None and citizen.region is None


def test_a_duplicate_username_is_refused(mini_city: MiniCity) -> None:
    taken = mini_city.users[Role.CITIZEN].username
    with pytest.raises(ValidationError) as caught:
        user_create(actor=None, username=taken, role=Role.CITIZEN)
    assert "username" in caught.value.message_dict
