"""The one map: measures per area, scoped; outlines once; bad input named; queries bounded."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.org.mini_city import COUNTY_A, COUNTY_B, MiniCity
from zhengfa.flow.models import Matter, MatterStatus
from zhengfa.insight.alerts.services import detection_run
from zhengfa.insight.mapping import (
    Level,
    MapQuery,
    Measure,
    area_measures,
    quantile_breaks,
)
from zhengfa.insight.refresh import rebuild
from zhengfa.org.models import Grid, Unit
from zhengfa.org.roles import Role

NOW = datetime(2026, 6, 15, 4, 0, tzinfo=UTC)
MEASURES = "/api/v1/insight/map/measures"


@pytest.fixture(autouse=True)
def _frozen_and_fresh() -> object:
    cache.clear()
    with time_machine.travel(NOW, tick=False):
        yield


def matter(place: Grid, kind: str = "hazard", **fields: object) -> Matter:
    grid = place
    values: dict[str, object] = {
        "title": f"{kind} in {grid.code}",
        "region_id": grid.region_id,
        "grid": grid,
        "unit": Unit.objects.filter(region__code__startswith=grid.region_id[:6]).first(),
        "stage": "handling",
        "opened_at": NOW - timedelta(days=10),
        "due_at": NOW + timedelta(days=5),
    }
    values.update(fields)
    return Matter.objects.create(kind=kind, **values)


def client_for(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_overdue_counts_open_unpaused_matters_past_due_per_grid(mini_city: MiniCity) -> None:
    first, second = mini_city.grids[COUNTY_A][:2]
    late = {"due_at": NOW - timedelta(days=1), "due_on": date(2026, 6, 14)}
    matter(first, **late)
    matter(first, kind="dispute", **late)
    matter(first, **late, paused=True)  # paused: the clock does not run
    matter(first, **late, status=MatterStatus.CLOSED)
    matter(second, due_at=NOW + timedelta(days=1), due_on=date(2026, 6, 16))  # not yet due
    rebuild()
    admin = mini_city.users[Role.PLATFORM_ADMIN]
    result = area_measures(admin, MapQuery(Measure.OVERDUE), NOW)
    assert result.values == {first.code: 2}
    by_kind = area_measures(admin, MapQuery(Measure.OVERDUE, kind="dispute"), NOW)
    assert by_kind.values == {first.code: 1}


def test_township_operator_sees_only_their_grids_and_the_outsider_none(
    mini_city: MiniCity,
) -> None:
    grids = mini_city.grids[COUNTY_A]
    own = next(g for g in grids if g.region_id.startswith(f"{COUNTY_A}001"))
    other = next(g for g in grids if not g.region_id.startswith(f"{COUNTY_A}001"))
    for grid in (own, other, mini_city.grids[COUNTY_B][0]):
        matter(grid)
    rebuild()
    operator = mini_city.users[Role.CENTRE_OPERATOR]
    answer = client_for(operator).get(MEASURES, {"measure": "open"})
    assert answer.status_code == 200
    assert json.loads(answer.content)["values"] == {own.code: 1}
    outsider = client_for(mini_city.outsider).get(MEASURES, {"measure": "open"})
    assert own.code not in json.loads(outsider.content)["values"]
    assert Client().get(MEASURES, {"measure": "open"}).status_code == 401


def test_levels_group_by_region_prefix_and_courts_count_at_county_level(
    mini_city: MiniCity,
) -> None:
    grid = mini_city.grids[COUNTY_A][0]
    matter(grid)
    matter(grid, kind="court_civil_first", grid=None, region_id=COUNTY_A)
    rebuild()
    admin = mini_city.users[Role.PLATFORM_ADMIN]
    township = area_measures(admin, MapQuery(Measure.OPEN, Level.TOWNSHIP), NOW)
    county = area_measures(admin, MapQuery(Measure.OPEN, Level.COUNTY), NOW)
    assert township.values == {grid.region_id[:9]: 1}
    assert county.values == {COUNTY_A: 2}


def test_letters_and_visits_are_never_mapped(mini_city: MiniCity) -> None:
    grid = mini_city.grids[COUNTY_A][0]
    matter(grid, kind="petition", due_at=NOW - timedelta(days=1), due_on=date(2026, 6, 14))
    rebuild()
    admin = mini_city.users[Role.PLATFORM_ADMIN]
    for measure in (Measure.OPEN, Measure.OVERDUE):
        assert area_measures(admin, MapQuery(measure), NOW).values == {}
    answer = client_for(admin).get(MEASURES, {"measure": "open", "kind": "petition"})
    assert answer.status_code == 422


def test_disputes_per_thousand_residents_over_the_range(mini_city: MiniCity) -> None:
    grid = mini_city.grids[COUNTY_A][0]
    Grid.objects.filter(pk=grid.pk).update(population=2000)
    for days in (3, 30, 400):  # the last one is outside the default year
        matter(grid, kind="dispute", opened_at=NOW - timedelta(days=days))
    rebuild()
    admin = mini_city.users[Role.PLATFORM_ADMIN]
    year = area_measures(admin, MapQuery(Measure.DISPUTES_PER_1000), NOW)
    assert year.values == {grid.code: 1.0}
    month = MapQuery(Measure.DISPUTES_PER_1000, since=date(2026, 6, 1), until=date(2026, 6, 15))
    assert area_measures(admin, month, NOW).values == {grid.code: 0.5}


def test_bad_measure_level_and_dates_are_named_in_one_problem(mini_city: MiniCity) -> None:
    client = client_for(mini_city.users[Role.COMMISSION])
    answer = client.get(
        MEASURES, {"measure": "crime", "level": "street", "since": "2026-13-01", "until": "x"}
    )
    assert answer.status_code == 422
    assert answer["Content-Type"].startswith("application/problem+json")
    fields = {e["field"] for e in json.loads(answer.content)["errors"]}
    assert fields == {"measure", "level", "since", "until"}
    reversed_range = client.get(
        MEASURES, {"measure": "open", "since": "2026-06-10", "until": "2026-06-01"}
    )
    assert [e["field"] for e in json.loads(reversed_range.content)["errors"]] == ["until"]


def test_measures_read_count_tables_in_a_fixed_number_of_queries(mini_city: MiniCity) -> None:
    client = client_for(mini_city.users[Role.COMMISSION])
    client.get(MEASURES, {"measure": "open"})  # warm the session
    for grid in mini_city.grids[COUNTY_A]:
        matter(grid)
        matter(grid, kind="dispute")
    Grid.objects.update(population=1000)
    rebuild()
    for measure in ("open", "overdue", "hazards_open", "disputes_per_1000", "trend_alerts"):
        with CaptureQueriesContext(connection) as queries:
            answer = client.get(MEASURES, {"measure": measure})
        assert answer.status_code == 200
        # session, user, the counts, grid codes (or population or the run): never more
        assert len(queries) <= 5, [q["sql"] for q in queries]
        assert not any("flow_matter" in q["sql"] for q in queries), measure


def test_outlines_are_scoped_simplified_and_revalidated_by_etag(mini_city: MiniCity) -> None:
    client = client_for(mini_city.users[Role.CENTRE_OPERATOR])
    answer = client.get("/api/v1/insight/map/outlines")
    assert answer.status_code == 200
    body = json.loads(answer.content)
    codes = {f["id"] for f in body["features"]}
    assert codes and all(c.startswith(f"{COUNTY_A}001") for c in codes)
    assert "private" in answer["Cache-Control"]
    again = client.get("/api/v1/insight/map/outlines", HTTP_IF_NONE_MATCH=answer["ETag"])
    assert again.status_code == 304


def test_service_points_sit_in_scope(mini_city: MiniCity) -> None:
    client = client_for(mini_city.users[Role.COMMISSION])
    body = json.loads(client.get("/api/v1/insight/map/service-points").content)
    assert body["features"]
    assert all(COUNTY_B not in f["id"] for f in body["features"])


def test_click_through_lists_only_matters_in_scope(mini_city: MiniCity) -> None:
    grid = mini_city.grids[COUNTY_A][0]
    shown = matter(grid, title="甲事项")
    operator = mini_city.users[Role.CENTRE_OPERATOR]
    page = client_for(operator).get(f"/insight/map/areas/{grid.code}/", {"measure": "open"})
    assert page.status_code == 200
    assert "甲事项" in page.content.decode()
    outsider = client_for(mini_city.outsider).get(f"/insight/map/areas/{grid.code}/")
    assert "甲事项" not in outsider.content.decode()
    assert shown.pk  # the row exists; only scope hid it
    bad = client_for(operator).get(f"/insight/map/areas/{grid.code}/", {"since": "soon"})
    assert bad.status_code == 422
    assert "since" in bad.content.decode()


def test_map_page_renders_controls_without_inline_script(mini_city: MiniCity) -> None:
    page = client_for(mini_city.users[Role.COMMISSION]).get("/insight/map/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="one-map"' in html and "insight/map.js" in html
    assert "<script>" not in html and " onclick=" not in html


def test_quantile_breaks_are_observed_values_with_zero_apart() -> None:
    assert quantile_breaks([0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) == [2, 4, 6, 8, 10]
    assert quantile_breaks([1, 1, 1, 5]) == [1, 5]
    assert quantile_breaks([0, 0]) == []


def test_trend_alerts_count_the_stored_alerts_of_the_tested_week(mini_city: MiniCity) -> None:
    grids = mini_city.grids[COUNTY_A]
    quiet, rising = grids[0], next(g for g in grids if g.region_id[:9] != grids[0].region_id[:9])
    unit = Unit.objects.filter(region__code__startswith=COUNTY_A).first()
    rows = []
    monday = datetime(2026, 6, 8, 2, tzinfo=UTC)  # in the tested week (the last complete one)
    for week in range(1, 90):
        for grid in (quiet, rising):
            opened = monday - timedelta(weeks=week)
            rows += [_row(grid, unit, opened, "dispute") for _ in range(2)]
    rows += [_row(rising, unit, monday, "dispute") for _ in range(14)]
    rows += [_row(quiet, unit, monday, "dispute") for _ in range(2)]
    Matter.objects.bulk_create(rows)
    detection_run(week=date(2026, 6, 8))  # the worker's weekly run (it refreshes the counts)
    admin = mini_city.users[Role.PLATFORM_ADMIN]
    result = area_measures(admin, MapQuery(Measure.TREND_ALERTS, Level.TOWNSHIP), NOW)
    assert result.week == "2026-W24"
    assert result.values == {rising.region_id[:9]: 1}
    by_grid = area_measures(admin, MapQuery(Measure.TREND_ALERTS, Level.GRID), NOW)
    assert by_grid.values == {rising.code: 1}
    outsider = area_measures(mini_city.outsider, MapQuery(Measure.TREND_ALERTS), NOW)
    assert outsider.values == {}


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


def test_pages_speak_chinese_first_and_english_on_request(mini_city: MiniCity) -> None:
    client = client_for(mini_city.users[Role.COMMISSION])
    chinese = client.get("/insight/map/").content.decode()
    assert "一张图" in chinese and "逾期事项" in chinese
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get("/insight/map/").content.decode()
    assert "One map" in english and "Overdue matters" in english
    assert "Confluence and stacking" in client.get("/insight/confluence/").content.decode()


def test_township_click_through_lists_the_township_only(mini_city: MiniCity) -> None:
    grids = mini_city.grids[COUNTY_A]
    inside = grids[0]
    elsewhere = next(g for g in grids if g.region_id[:9] != inside.region_id[:9])
    matter(inside, title="本街道事项")
    matter(elsewhere, title="邻街道事项")
    client = client_for(mini_city.users[Role.COMMISSION])
    page = client.get(
        f"/insight/map/areas/{inside.region_id[:9]}/", {"measure": "open", "level": "township"}
    ).content.decode()
    assert "本街道事项" in page and "邻街道事项" not in page
