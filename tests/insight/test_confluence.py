"""Confluence: risks rising together per area (Fisher + BH); enterprises by pseudonym only."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client

from tests.org.mini_city import COUNTY_A, COUNTY_B, MiniCity
from zhengfa.courts.models import CaseParty, CourtCase, Filing
from zhengfa.disputes.defaults import defaults_ensure
from zhengfa.disputes.flows import DISPUTE_KIND
from zhengfa.disputes.models import Dispute, DisputeCategory, DisputeOrganisation, DisputeParty
from zhengfa.flow.models import Matter, MatterStatus
from zhengfa.insight.confluence import (
    area_confluence,
    combine,
    enterprise_recurrence,
    fisher,
    pseudonym,
)
from zhengfa.insight.mapping import Level
from zhengfa.org.models import Grid, Unit
from zhengfa.org.roles import Role
from zhengfa.pii.crypto import encrypt
from zhengfa.pii.models import Person

NOW = datetime(2026, 6, 15, 4, 0, tzinfo=UTC)
ACME = "鹤岗市某某建筑有限公司"


@pytest.fixture(autouse=True)
def _frozen() -> object:
    cache.clear()
    with time_machine.travel(NOW, tick=False):
        yield


def test_fisher_matches_the_chi_square_tail() -> None:
    statistic, p = fisher([0.05, 0.05])
    assert statistic == pytest.approx(-4 * __import__("math").log(0.05))
    assert p == pytest.approx(0.0175, abs=5e-4)  # χ²(4) upper tail at 11.98


FLAT = [("x", 0, 1.0), ("y", 0, 1.0), ("z", 0, 1.0)]


def test_combine_needs_two_rising_kinds_and_keeps_the_fdr() -> None:
    per_area = {
        "A": [("dispute:labour", 9, 0.001), ("court_civil_first:enterprise", 4, 0.002)],
        "B": [("dispute:labour", 9, 0.001), ("hazard", 1, 0.9)],
        "C": [("hazard", 2, 0.04), ("portal_service", 3, 0.045), *FLAT],
    }
    found = {row.area: row for row in combine(per_area, "2026-W24")}
    assert set(found) == {"A", "C"}  # B has one kind rising
    assert found["A"].confluence
    assert not found["C"].confluence  # two weak rises diluted by flat kinds


def _row(grid: Grid, unit: Unit | None, opened: datetime, kind: str) -> Matter:
    return Matter(
        kind=kind,
        title="t",
        region_id=grid.region_id,
        grid=grid,
        unit=unit,
        stage="s",
        opened_at=opened,
        status=MatterStatus.CLOSED,
    )


def test_a_township_with_two_kinds_rising_is_a_confluence(mini_city: MiniCity) -> None:
    grids = mini_city.grids[COUNTY_A]
    rising = grids[0]
    unit = Unit.objects.filter(region__code__startswith=COUNTY_A).first()
    monday = datetime(2026, 6, 8, 2, tzinfo=UTC)
    rows = []
    for kind in ("hazard", "portal_service", "police_incident", "petition"):
        for week in range(1, 90):
            rows += [_row(rising, unit, monday - timedelta(weeks=week), kind) for _ in range(2)]
        rows += [_row(rising, unit, monday, kind) for _ in range(15)]
    Matter.objects.bulk_create(rows)
    admin = mini_city.users[Role.PLATFORM_ADMIN]
    week, found = area_confluence(admin, Level.TOWNSHIP, NOW)
    assert week == "2026-W24"
    assert [row.area for row in found] == [rising.region_id[:9]]
    assert {kind.risk for kind in found[0].rising} == {
        "hazard",
        "portal_service",
    }  # no police, no 信访
    assert found[0].confluence


def _case(county: str, number: str, actor: object) -> CourtCase:
    court = Unit.objects.get(kind="court", region_id=county)
    matter = Matter.objects.create(
        kind="court_civil_first",
        title=number,
        region_id=county,
        unit=court,
        stage="filed",
        opened_at=NOW - timedelta(days=3),
        enterprise_related=True,
    )
    filing = Filing.objects.create(
        matter=matter,
        court=court,
        channel="counter",
        procedure="ordinary",
        type_code="民初",
        claims="x",
        submitted_by=actor,
        submitted_on=date(2026, 6, 12),
    )
    return CourtCase.objects.create(
        matter=matter,
        number=number,
        year=2026,
        court_code="x",
        type_code="民初",
        sequence=1,
        category="civil",
        procedure="ordinary",
        filed_on=date(2026, 6, 12),
        original_filed_on=date(2026, 6, 12),
        filing=filing,
    )


def test_enterprises_are_counted_by_pseudonym_and_people_are_never_linked(
    mini_city: MiniCity,
) -> None:
    person = Person.objects.create(
        name=encrypt("张三", context="pii.person.name"), name_masked="张*"
    )
    admin = mini_city.users[Role.PLATFORM_ADMIN]
    for i in range(3):
        case = _case(COUNTY_A, f"(2026)黑0402民初{i}号", admin)
        party = {"filing": case.filing, "case": case}
        CaseParty.objects.create(**party, side="defendant", organisation=ACME)
        CaseParty.objects.create(**party, side="plaintiff", person=person)
    spaced = _case(COUNTY_A, "(2026)黑0402民初9号", admin)
    CaseParty.objects.create(
        filing=spaced.filing, case=spaced, side="defendant", organisation=f" {ACME} "
    )
    rows = enterprise_recurrence(admin)
    assert len(rows) == 1  # the person is in four cases too, but is never linked
    assert rows[0].pseudonym == pseudonym(ACME) and rows[0].court_cases == 4
    assert rows[0].area == COUNTY_A
    body = Client()
    body.force_login(admin)
    text = body.get("/api/v1/insight/confluence/enterprises").content.decode()
    assert ACME not in text and "张" not in text
    outsider = Client()
    outsider.force_login(mini_city.outsiders[Role.COMMISSION])
    answer = outsider.get("/api/v1/insight/confluence/enterprises")
    assert json.loads(answer.content)["enterprises"] == []


def test_bad_level_and_min_cases_are_named(mini_city: MiniCity) -> None:
    client = Client()
    client.force_login(mini_city.users[Role.COMMISSION])
    areas = client.get("/api/v1/insight/confluence/areas", {"level": "street"})
    assert areas.status_code == 422
    assert [e["field"] for e in json.loads(areas.content)["errors"]] == ["level"]
    enterprises = client.get("/api/v1/insight/confluence/enterprises", {"min_cases": 0})
    assert [e["field"] for e in json.loads(enterprises.content)["errors"]] == ["min_cases"]
    page = client.get("/insight/confluence/", {"level": "street"})
    assert page.status_code == 200  # the page falls back to townships


def _dispute_with_employer(grid: Grid, name: str) -> Dispute:
    unit = Unit.objects.filter(region__code__startswith=grid.region_id[:6]).first()
    matter = Matter.objects.create(
        kind=DISPUTE_KIND,
        title="欠薪",
        region_id=grid.region_id,
        grid=grid,
        unit=unit,
        stage="mediating",
        opened_at=NOW - timedelta(days=2),
    )
    dispute = Dispute.objects.create(
        matter=matter,
        category=DisputeCategory.objects.get(code="labour"),
        severity="general",
        description="拖欠工资",
        channel="grid",
        reported_at=matter.opened_at,
    )
    DisputeOrganisation.objects.create(dispute=dispute, name=name, side="respondent")
    return dispute


def test_an_employer_is_counted_across_court_cases_and_disputes(mini_city: MiniCity) -> None:
    defaults_ensure()
    admin = mini_city.users[Role.PLATFORM_ADMIN]
    for i in range(2):
        case = _case(COUNTY_A, f"(2026)黑0402民初{i}号", admin)
        CaseParty.objects.create(filing=case.filing, case=case, side="defendant", organisation=ACME)
    grid_a, grid_b = mini_city.grids[COUNTY_A][0], mini_city.grids[COUNTY_B][0]
    worker = Person.objects.create(name=encrypt("李四", context="pii.person.name"))
    for _ in range(3):
        dispute = _dispute_with_employer(grid_a, f"{ACME} ")  # spelt with a space
        DisputeParty.objects.create(dispute=dispute, person=worker, side="applicant")
    _dispute_with_employer(grid_b, ACME)  # another county: a row of its own, below two
    rows = enterprise_recurrence(admin)
    assert [(r.pseudonym, r.area, r.court_cases, r.disputes) for r in rows] == [
        (pseudonym(ACME), COUNTY_A, 2, 3)
    ]  # the worker is in three disputes too, but natural persons are never linked
    assert rows[0].kinds == {"court_civil_first": 2, DISPUTE_KIND: 3}
    assert enterprise_recurrence(admin, min_cases=1)[-1].area == COUNTY_B
    outsider = mini_city.outsiders[Role.COMMISSION]
    assert all(r.area != COUNTY_A for r in enterprise_recurrence(outsider, min_cases=1))
