"""Trend alerts end to end through the database: matters opened week by week → the weekly
series (grid, township, county × kind) → a stored detection run → alerts in the viewer's
scope → a task list of clocked flow matters. The detector's statistics have their own tests
(test_trends.py); here the history is planted as matter rows and the test knows where."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.http import Http404
from django.test import Client

from tests.org.mini_city import COUNTY_A, COUNTY_B, PASSWORD, MiniCity
from zhengfa.audit.models import AuditEntry
from zhengfa.disputes.services.analysis import TaskInput
from zhengfa.flow.models import Clock, ClockState, Matter, MatterStatus
from zhengfa.insight.alerts import selectors, services
from zhengfa.insight.alerts.models import AlertTaskList, DetectionRun, TrendAlert
from zhengfa.insight.alerts.selectors import AlertFilters
from zhengfa.insight.trends import DetectorSettings
from zhengfa.insight.weeks import format_week, parse_week
from zhengfa.org.models import Grid, Unit
from zhengfa.org.roles import Role

SH = ZoneInfo("Asia/Shanghai")
TESTED = parse_week("2026-W14")  # Monday 30 March 2026
HISTORY_WEEKS = 130  # two and a half years up to the tested week
KINDS = ("dispute", "hazard", "service")
NOW = datetime(2026, 4, 6, 9, 0, tzinfo=SH)  # Monday after the tested week


def plant_history(
    grids: list[Grid],
    unit: Unit,
    *,
    seed: int,
    last: date = TESTED,
    weeks: int = HISTORY_WEEKS,
    rises: dict[tuple[str, str], int] | None = None,
) -> dict[tuple[str, str], float]:
    """Poisson counts for every grid × kind (a mean of 3-9 a week each) opened mid-week in
    the weeks up to ``last``; ``rises`` sets the count of (grid code, kind) in ``last``."""
    rng = np.random.default_rng(seed)
    means: dict[tuple[str, str], float] = {}
    rows = []
    first = last - timedelta(weeks=weeks - 1)
    for grid in grids:
        for kind in KINDS:
            mean = float(rng.uniform(3, 9))
            means[(grid.code, kind)] = mean
            counts = rng.poisson(mean, weeks)
            if rises and (grid.code, kind) in rises:
                counts[-1] = rises[(grid.code, kind)]
            for week, count in enumerate(counts):
                opened = datetime.combine(first + timedelta(weeks=week, days=2), time(10), SH)
                rows += [_matter(kind, grid, unit, opened) for _ in range(int(count))]
    Matter.objects.bulk_create(rows, batch_size=2000)
    return means


def _matter(kind: str, grid: Grid, unit: Unit, opened: datetime) -> Matter:
    return Matter(
        kind=kind,
        title=f"{kind} {grid.code}",
        region_id=grid.region_id,
        grid=grid,
        unit=unit,
        stage="closed",
        status=MatterStatus.CLOSED,
        opened_at=opened,
        closed_at=opened,
    )


def _series(alerts: list[TrendAlert] | DetectionRun) -> set[tuple[str, str, str]]:
    rows = alerts.alerts.all() if isinstance(alerts, DetectionRun) else alerts
    return {(a.area_level, a.area_code, a.category) for a in rows}


@pytest.fixture
def rise(mini_city: MiniCity) -> tuple[MiniCity, Grid]:
    """County A's grids 0 and 4 (townships 001 and 002) and county B's grid 0; in the
    tested week grid 0 of county A has 30 disputes (its mean is 3-9)."""
    grids = [mini_city.grids[COUNTY_A][0], mini_city.grids[COUNTY_A][4]]
    grids.append(mini_city.grids[COUNTY_B][0])
    risen = grids[0]
    plant_history(grids, mini_city.courts[COUNTY_A], seed=11, rises={(risen.code, "dispute"): 30})
    return mini_city, risen


@time_machine.travel(NOW, tick=False)
def test_a_planted_rise_raises_an_alert_for_its_series_and_not_for_the_flat_ones(
    rise: tuple[MiniCity, Grid],
) -> None:
    _, risen = rise
    run, created = services.detection_run(week=TESTED)
    assert created and run.series_tested == 3 * 3 + 3 * 3 + 2 * 3  # grids, townships, counties
    township, county = risen.region_id[:9], risen.region_id[:6]
    found = _series(run)
    assert ("grid", risen.code, "dispute") in found
    # The rise also lifts the township and county containing the grid; nothing else fires.
    assert found <= {
        ("grid", risen.code, "dispute"),
        ("township", township, "dispute"),
        ("county", county, "dispute"),
    }
    alert = run.alerts.get(area_level="grid")
    assert alert.count == 30 and alert.upper < 30 and alert.expected < 12
    assert alert.region_code == risen.region_id and alert.area_name == risen.name
    assert "30" in alert.reason_zh and "upper bound" in alert.reason_en
    assert alert.history["counts"][-1] == 30 and len(alert.history["counts"]) == HISTORY_WEEKS
    assert max(alert.history["baseline"]) < HISTORY_WEEKS - 26  # recent weeks left out


@time_machine.travel(NOW, tick=False)
def test_a_week_is_tested_once(rise: tuple[MiniCity, Grid]) -> None:
    first, created = services.detection_run(week=TESTED)
    again, created_again = services.detection_run(week=TESTED)
    assert created and not created_again and again.pk == first.pk
    assert DetectionRun.objects.count() == 1 and TrendAlert.objects.count() == first.alerts.count()


@time_machine.travel(NOW, tick=False)
def test_alerts_are_listed_within_the_viewers_scope(rise: tuple[MiniCity, Grid]) -> None:
    city, risen = rise
    services.detection_run(week=TESTED)
    commission = city.users[Role.COMMISSION]  # county A
    mine = selectors.alerts_for(commission, AlertFilters())
    assert ("grid", risen.code, "dispute") in _series(mine)
    scores = [a.score for a in mine]
    assert scores == sorted(scores, reverse=True)  # strongest first
    assert selectors.alerts_for(city.outsiders[Role.COMMISSION], AlertFilters()) == []
    assert selectors.alerts_for(city.users[Role.GRID_WORKER], AlertFilters()) == []
    alert = mine[0]
    with pytest.raises(Http404):
        selectors.alert_for(city.outsiders[Role.COMMISSION], alert.pk)
    only_grids = selectors.alerts_for(commission, AlertFilters(level="grid"))
    assert {a.area_level for a in only_grids} == {"grid"}
    assert selectors.alerts_for(commission, AlertFilters(category="hazard")) == []


FLAT_WEEKS = tuple(TESTED - timedelta(weeks=k) for k in range(8))


@time_machine.travel(NOW, tick=False)
def test_on_a_flat_history_false_alarms_stay_within_the_documented_rate(
    mini_city: MiniCity,
) -> None:
    """No rise anywhere: docs/insight.md promises P(any alarm in a flat week) ≤ 1.5 × alpha
    under FDR (0.075 at alpha 0.05). Over 8 weeks × 39 series the expected number of weeks
    with an alarm is ≤ 0.6; 3 or more would happen with probability < 1.5% if the promise
    holds (and every week would alarm if, e.g., weeks before the data counted as zeros)."""
    grids = [g for county in (COUNTY_A, COUNTY_B) for g in mini_city.grids[county][::2]]
    plant_history(grids, mini_city.courts[COUNTY_A], seed=5)
    runs = [services.detection_run(week=week)[0] for week in FLAT_WEEKS]
    assert all(run.series_tested == 8 * 3 + 4 * 3 + 2 * 3 for run in runs)
    weeks_with_alarm = sum(1 for run in runs if run.alerts.exists())
    assert weeks_with_alarm <= 2, [(r.week, _series(r)) for r in runs]


@time_machine.travel(NOW, tick=False)
def test_per_series_control_keeps_false_alarms_near_alpha(mini_city: MiniCity) -> None:
    """Per-series control at alpha 0.01: expected false alarms ≤ 1.5 × 0.01 × 39 series ×
    8 weeks ≈ 4.7; allow twice that before calling the rate broken."""
    grids = [g for county in (COUNTY_A, COUNTY_B) for g in mini_city.grids[county][::2]]
    plant_history(grids, mini_city.courts[COUNTY_A], seed=6)
    settings = DetectorSettings(alpha=0.01, control="per-series")  # type: ignore[arg-type]
    alarms = sum(
        services.detection_run(week=week, settings=settings)[0].alerts.count()
        for week in FLAT_WEEKS
    )
    assert alarms <= 9


def test_too_little_history_is_recorded_not_raised(mini_city: MiniCity) -> None:
    grid = mini_city.grids[COUNTY_A][0]
    plant_history([grid], mini_city.courts[COUNTY_A], seed=1, weeks=20)
    run, _ = services.detection_run(week=TESTED)
    assert run.series_tested == 0 and "earlier weeks of history" in run.note
    assert not run.alerts.exists()


# --------------------------------------------------------------------------- task lists


def _alert(rise: tuple[MiniCity, Grid]) -> TrendAlert:
    services.detection_run(week=TESTED)
    return TrendAlert.objects.get(area_level="grid", area_code=rise[1].code)


@time_machine.travel(NOW, tick=False)
def test_an_alert_turned_into_tasks_creates_a_clocked_matter_per_unit(
    rise: tuple[MiniCity, Grid],
) -> None:
    city, risen = rise
    alert = _alert(rise)
    operator = city.users[Role.CENTRE_OPERATOR]  # township 001's centre, where the grid lies
    township = risen.region_id[:9]
    committee = f"{township}-TWH"
    county_centre = city.centres[COUNTY_A].code
    tasks = [
        TaskInput(unit_code=committee, days=10, instruction="排查纠纷成因 find the causes"),
        TaskInput(unit_code=county_centre, days=20, instruction="协调部门 coordinate"),
    ]
    link = services.alert_tasks_issue(
        actor=operator, alert=alert, decision="集中排查 look into it", tasks=tasks
    )
    assert AlertTaskList.objects.get(alert=alert) == link
    matters = Matter.objects.filter(analysistask__analysis=link.analysis).order_by("unit__code")
    assert [m.kind for m in matters] == ["task", "task"]
    assert {m.unit.code for m in matters} == {committee, county_centre}
    for matter, days in zip(matters, (20, 10), strict=True):  # ordered by unit code
        clock = Clock.objects.get(matter=matter)
        assert clock.state == ClockState.RUNNING and clock.period_amount == days
        end = date(2026, 4, 6) + timedelta(days=days)  # a rest day moves to the next workday
        assert end <= clock.due_on <= end + timedelta(days=2) and clock.due_on.weekday() < 5
        assert clock.next_alert_at is not None  # the sweeper will warn and escalate
    assert "趋势预警" in link.analysis.topic and alert.area_name in link.analysis.topic
    assert AuditEntry.objects.filter(action="insight.alerts.tasks_issue").count() == 1


@time_machine.travel(NOW, tick=False)
def test_only_conveners_issue_tasks_and_a_refusal_writes_nothing(
    rise: tuple[MiniCity, Grid],
) -> None:
    city, risen = rise
    alert = _alert(rise)
    task = [TaskInput(unit_code=f"{risen.region_id[:9]}-TWH", days=5, instruction="x")]
    before = Matter.objects.count()
    with pytest.raises(PermissionDenied):
        services.alert_tasks_issue(
            actor=city.users[Role.DEPT_LIAISON], alert=alert, decision="x", tasks=task
        )
    from django.core.exceptions import ValidationError

    outsider_unit = [TaskInput(unit_code=f"{COUNTY_B}001-TWH", days=5, instruction="x")]
    with pytest.raises(ValidationError):  # a unit of another county
        services.alert_tasks_issue(
            actor=city.users[Role.CENTRE_OPERATOR], alert=alert, decision="x", tasks=outsider_unit
        )
    assert Matter.objects.count() == before and not AlertTaskList.objects.exists()


# --------------------------------------------------------------------------- pages and CLI


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


@time_machine.travel(NOW, tick=False)
def test_pages_show_the_chart_and_the_reason_in_both_languages(
    rise: tuple[MiniCity, Grid],
) -> None:
    city, _ = rise
    alert = _alert(rise)
    client = _client(city.users[Role.COMMISSION])
    listing = client.get("/insight/alerts/", {"week": "2026-W14"}).content.decode()
    assert f"/insight/alerts/{alert.pk}/" in listing and alert.area_name in listing
    page = client.get(f"/insight/alerts/{alert.pk}/").content.decode()
    assert "<svg" in page and 'class="bar tested"' in page and 'class="upper"' in page
    assert alert.reason_zh in page and "<script" not in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get(f"/insight/alerts/{alert.pk}/").content.decode()
    assert alert.reason_en in english and "Why it fired" in english
    outsider = _client(city.outsiders[Role.COMMISSION])
    assert outsider.get(f"/insight/alerts/{alert.pk}/").status_code == 404
    assert alert.area_name not in outsider.get("/insight/alerts/").content.decode()


@time_machine.travel(NOW, tick=False)
def test_a_refused_task_list_form_keeps_the_values(rise: tuple[MiniCity, Grid]) -> None:
    city, _ = rise
    alert = _alert(rise)
    client = _client(city.users[Role.CENTRE_OPERATOR])
    lines = "NOPE | 5 | 排查 check"
    response = client.post(
        f"/insight/alerts/{alert.pk}/tasks/", {"decision": "研判意见", "tasks": lines}
    )
    body = response.content.decode()
    assert response.status_code == 422 and "NOPE" in body and "研判意见" in body
    assert "unknown unit" in body and not AlertTaskList.objects.exists()
    good = f"{city.centres[COUNTY_A].code} | 5 | 排查 check"
    done = client.post(f"/insight/alerts/{alert.pk}/tasks/", {"decision": "x", "tasks": good})
    link = AlertTaskList.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/disputes/analyses/{link.analysis_id}/"


@time_machine.travel(NOW, tick=False)
def test_the_detect_command_defaults_to_the_last_closed_week(
    rise: tuple[MiniCity, Grid], capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("insight", "detect")
    out = capsys.readouterr().out
    assert out.startswith("2026-W14: tested; 24 series")
    assert DetectionRun.objects.get().week == TESTED
    call_command("insight", "detect", "--week", format_week(TESTED))
    assert "already tested" in capsys.readouterr().out
    for bad in ("2026-14", "2026-W15"):  # not a week; a week not yet over
        with pytest.raises(CommandError) as error:
            call_command("insight", "detect", "--week", bad)
        assert error.value.returncode == 2
    assert DetectionRun.objects.count() == 1


def test_login_is_needed(db: None) -> None:
    response = Client().get("/insight/alerts/")
    assert response.status_code == 302 and PASSWORD not in response["Location"]


@time_machine.travel(NOW, tick=False)
def test_api_names_the_field_of_bad_input(rise: tuple[MiniCity, Grid]) -> None:
    city, _ = rise
    alert = _alert(rise)
    client = _client(city.users[Role.CENTRE_OPERATOR])
    bad_week = client.get("/api/v1/insight/alerts", {"week": "W14"})
    assert bad_week.status_code == 422
    assert bad_week["Content-Type"] == "application/problem+json"
    assert "week" in bad_week.content.decode()
    body = {"decision": "x", "tasks": [{"unit_code": "NOPE", "days": 5, "instruction": "x"}]}
    refused = client.post(
        f"/api/v1/insight/alerts/{alert.pk}/tasks", body, content_type="application/json"
    )
    assert refused.status_code == 422 and "tasks[0]" in refused.content.decode()
    assert not AlertTaskList.objects.exists()
    listed = client.get("/api/v1/insight/alerts", {"week": "2026-W14", "level": "grid"}).json()
    assert [a["id"] for a in listed] == [alert.pk] and listed[0]["reason_en"] == alert.reason_en


def _stored_alerts(city: MiniCity, n: int) -> None:
    run = DetectionRun.objects.create(week=TESTED, ran_at=NOW, alpha=0.05, control="fdr")
    grids = city.grids[COUNTY_A]
    TrendAlert.objects.bulk_create(
        TrendAlert(
            run=run,
            week=TESTED,
            category=f"kind{i}",
            area_level="grid",
            area_code=grids[i % len(grids)].code,
            area_name=f"网格{i}",
            region_code=grids[i % len(grids)].region_id,
            count=20,
            expected=3.0,
            upper=9,
            p_value=1e-6,
            score=4.8 - i / 100,
            level=0.001,
            baseline={},
            history={"first_week": "2026-W14", "counts": [20], "baseline": []},
            reason_zh="原因",
            reason_en="why",
        )
        for i in range(n)
    )


@time_machine.travel(NOW, tick=False)
def test_the_list_page_and_api_use_a_fixed_number_of_queries(mini_city: MiniCity) -> None:
    """Time stands still: the session's idle clock (``web.security.SEEN``) is written once
    60 s after sign-in have passed, and a full run under load could cross that mark
    inside one captured request but not the other (one extra UPDATE)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _client(mini_city.users[Role.COMMISSION])

    def queries(path: str) -> int:
        client.get(path)  # the first request of a session loads caches once
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        return len(captured)

    _stored_alerts(mini_city, 2)
    few = queries("/insight/alerts/"), queries("/api/v1/insight/alerts")
    TrendAlert.objects.all().delete()
    DetectionRun.objects.all().delete()
    _stored_alerts(mini_city, 30)
    many = queries("/insight/alerts/"), queries("/api/v1/insight/alerts")
    assert few == many


def test_area_level_labels_are_chinese_only_in_zh_hans(mini_city: MiniCity) -> None:
    """Other apps' catalogues hold the same bilingual msgids; alerts' own context wins."""
    _stored_alerts(mini_city, 1)
    client = _client(mini_city.users[Role.COMMISSION])
    alert = TrendAlert.objects.get()
    listing = client.get("/insight/alerts/").content.decode()
    detail = client.get(f"/insight/alerts/{alert.pk}/").content.decode()
    assert "<th>层级</th>" in listing and "层级 Level" not in listing
    assert "<dt>层级</dt>" in detail and "网格 Grid" not in detail and "网格" in detail
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get(f"/insight/alerts/{alert.pk}/").content.decode()
    assert "<dt>Level</dt>" in english and "Grid (" in english
