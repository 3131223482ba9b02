"""Fixtures shared by the audit and pii tests: fixed keys and a small two-county city."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from zhengfa.org.models import Region, RegionLevel, Unit, UnitKind, User
from zhengfa.org.roles import Role

AUDIT_KEY = base64.b64encode(b"a" * 32).decode()
PII_KEY_1 = base64.b64encode(b"1" * 32).decode()
PII_KEY_2 = base64.b64encode(b"2" * 32).decode()
HASH_KEY = base64.b64encode(b"h" * 32).decode()
VALID_ID = "230402199001011237"  # 向阳区, born 1990-01-01, check digit 7
OTHER_ID = "230403198512314565"  # 工农区, born 1985-12-31
ADDRESS = "黑龙江省鹤岗市向阳区红旗路12号3单元401"


@pytest.fixture(autouse=True)
def keys(settings: Any, tmp_path: Path) -> None:
    """Fixed keys, and a private var/ so no test writes the developer's dev keys."""
    settings.VAR_DIR = tmp_path
    settings.ZHENGFA_AUDIT_KEY = AUDIT_KEY
    settings.ZHENGFA_PII_KEYS = f"k1:{PII_KEY_1}"
    settings.ZHENGFA_PII_HASH_KEY = HASH_KEY
    settings.ZHENGFA_AUDIT_SHARDS = 8
    # Argon2 is deliberately slow; the tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class City:
    court: Unit
    other_court: Unit
    admin: User
    judge: User
    outsider_judge: User
    registrar: User
    citizen: User
    grid_worker: User
    operator: User


def _user(username: str, role: str, **extra: Any) -> User:
    return User.objects.create_user(
        username=username, password="pw-Strong-12345", role=role, **extra
    )


@pytest.fixture
def city(db: None) -> City:
    Region.objects.create(code="2304", name="鹤岗市", level=RegionLevel.CITY)
    for code, name in (("230402", "向阳区"), ("230403", "工农区")):
        Region.objects.create(code=code, name=name, level=RegionLevel.COUNTY, parent_id="2304")
    court = Unit.objects.create(
        code="C0402",
        name="向阳区人民法院",
        kind=UnitKind.COURT,
        level=RegionLevel.COUNTY,
        region_id="230402",
        court_code="黑0402",
    )
    other = Unit.objects.create(
        code="C0403",
        name="工农区人民法院",
        kind=UnitKind.COURT,
        level=RegionLevel.COUNTY,
        region_id="230403",
        court_code="黑0403",
    )
    return City(
        court=court,
        other_court=other,
        admin=_user("admin", Role.PLATFORM_ADMIN),
        judge=_user("judge", Role.JUDGE, unit=court),
        outsider_judge=_user("judge2", Role.JUDGE, unit=other),
        registrar=_user("registrar", Role.COURT_REGISTRAR, unit=court),
        citizen=_user("citizen", Role.CITIZEN),
        grid_worker=_user("gridder", Role.GRID_WORKER, region_id="230402"),
        operator=_user("operator", Role.CENTRE_OPERATOR, region_id="230402"),
    )


def behind_the_back(sql: str, params: list[Any] | None = None) -> None:
    """Run raw SQL as a privileged intruder would: on PostgreSQL the append-only
    triggers are disabled first (a table owner can), inside the test's transaction."""
    with connection.cursor() as cursor:
        postgres = connection.vendor == "postgresql"
        if postgres:
            for table in ("audit_auditentry", "audit_checkpoint"):
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        cursor.execute(sql, params or [])
        if postgres:
            for table in ("audit_auditentry", "audit_checkpoint"):
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
