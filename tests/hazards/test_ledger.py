"""The risk ledger (一本账、一单清) and the map: a fire campaign's hazards and the open
disputes, per grid, township and county, by severity and age, each with its owner; the
owner check; and nothing of it for an outsider."""

from __future__ import annotations

import json
from datetime import datetime

import time_machine
from django.test import Client

from tests.hazards.conftest import SH, Hz
from zhengfa.disputes.services.intake import dispute_report
from zhengfa.hazards.models import Hazard
from zhengfa.hazards.selectors import (
    hazard_features,
    ledger_entries,
    ledger_places,
    ledger_totals,
    ledger_unowned,
)
from zhengfa.hazards.services.inspections import inspection_record
from zhengfa.org.models import RegionLevel, Unit, UnitKind


def _fire_hazards(hz: Hz) -> list[Hazard]:
    inspection = inspection_record(
        actor=hz.worker,
        campaign=hz.campaign,
        grid_code=hz.grid.code,
        site="向阳超市",
        checks=hz.checks(hazard_items=2),
        findings=[
            hz.finding("major"),
            hz.finding(
                "general", item=list(hz.campaign.items.all())[1].pk, description="灭火器过期"
            ),
        ],
    )
    return list(inspection.hazards.order_by("pk"))


def _dispute(hz: Hz) -> int:
    dispute = dispute_report(
        actor=hz.city.users["citizen"],
        channel="portal",
        category="other",
        severity="serious",
        description="楼上漏水",
        grid_code=hz.grid.code,
    )
    return dispute.pk


def test_a_fire_campaigns_hazards_and_the_disputes_are_on_the_ledger(hz: Hz) -> None:
    hazards = _fire_hazards(hz)
    dispute = _dispute(hz)
    with time_machine.travel(datetime(2026, 11, 20, 9, tzinfo=SH), tick=False):
        entries = ledger_entries(hz.commission, "230402")
    assert [(e.kind, e.severity) for e in entries] == [
        ("hazard", "major"),
        ("dispute", "serious"),
        ("hazard", "general"),
    ]
    assert {e.matter_id for e in entries} == {hazards[0].pk, hazards[1].pk, dispute}
    assert all(e.owner for e in entries if e.kind == "hazard")  # its responsible person
    # A citizen's report waits for the centre, which has nobody yet: the check lists it.
    assert [e.matter_id for e in ledger_unowned(entries)] == [dispute]
    assert entries[0].owner == str(hz.operator) and entries[0].urgency == "overdue"
    township = ledger_places(entries, RegionLevel.TOWNSHIP)
    assert [(p.code, p.total) for p in township] == [("230402001", 3)]
    assert township[0].severities == {"major": 1, "serious": 1, "general": 1}
    assert township[0].ages == {"7to30": 3}
    assert township[0].kinds == {"hazard": 2, "dispute": 1}
    assert township[0].unowned == 1
    assert [p.code for p in ledger_places(entries, "grid")] == [hz.grid.code]
    assert [p.code for p in ledger_places(entries, RegionLevel.COUNTY)] == ["230402"]
    assert ledger_totals(entries)["overdue"] == 2  # the major hazard, the general one not yet


def test_the_outsider_sees_an_empty_ledger_and_map(hz: Hz) -> None:
    _fire_hazards(hz)
    _dispute(hz)
    assert ledger_entries(hz.outsider_operator) == []
    assert ledger_entries(hz.outsider_worker) == []
    assert hazard_features(hz.outsider_operator)["features"] == []


def test_the_owner_check_lists_a_hazard_nobody_answers_for(hz: Hz) -> None:
    empty = Unit.objects.create(
        code="230402001001-AQB",
        name="无人值守安全办",
        kind=UnitKind.DEPARTMENT,
        level=RegionLevel.VILLAGE,
        region_id=hz.grid.region_id,
    )
    hz.campaign.units.add(empty)
    hazards = _fire_hazards(hz)
    unowned = ledger_unowned(ledger_entries(hz.commission))
    assert {e.matter_id for e in unowned} == {h.pk for h in hazards}
    assert ledger_totals(ledger_entries(hz.commission))["unowned"] == 2


def test_the_fire_campaigns_hazards_are_on_the_map(hz: Hz) -> None:
    hazards = _fire_hazards(hz)
    layer = hazard_features(hz.commission, campaign=hz.campaign.pk)
    assert {f["id"] for f in layer["features"]} == {str(h.pk) for h in hazards}
    major = next(f for f in layer["features"] if f["properties"]["severity"] == "major")
    assert major["geometry"]["coordinates"] == [hz.grid.centroid_lon, hz.grid.centroid_lat]
    assert major["properties"]["theme"] == "fire"


def test_the_ledger_through_the_api(hz: Hz) -> None:
    _fire_hazards(hz)
    client = Client()
    client.force_login(hz.commission)
    body = json.loads(client.get("/api/v1/hazards/ledger?level=grid").content)
    assert body["totals"]["kinds"] == {"hazard": 2}
    assert body["places"][0]["code"] == hz.grid.code and body["unowned"] == []
    bad = client.get("/api/v1/hazards/ledger?level=planet")
    assert bad.status_code == 422 and "level" in bad.content.decode()
    layer = json.loads(client.get("/api/v1/hazards/map").content)
    assert len(layer["features"]) == 2


def test_the_ledger_map_and_list_run_a_fixed_number_of_queries(hz: Hz) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(hz.commission)
    urls = ("/api/v1/hazards/ledger?level=grid", "/api/v1/hazards/map", "/api/v1/hazards/")

    def counts() -> list[int]:
        found = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            found.append(len(queries))
        return found

    _fire_hazards(hz)
    few = counts()
    for _ in range(3):
        _fire_hazards(hz)
    assert counts() == few  # eight hazards cost what two did
