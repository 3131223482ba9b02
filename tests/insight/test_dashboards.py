"""Each dashboard figure equals a count over the source tables, in the viewer's scope only.

The oracle reads the matter and domain rows with plain SQL and counts in Python, apart
from the count tables and the ORM expressions that fill them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.insight.world import LIMIT_SQL, TODAY, add_matter, build_world, move_limits_to_clocks
from tests.org.mini_city import COUNTY_A, COUNTY_B, PASSWORD, MiniCity
from zhengfa.insight.dashboards import (
    Period,
    commission,
    court_kinds,
    court_supervision,
    governance_centre,
    service_kinds,
)
from zhengfa.insight.refresh import rebuild, refresh
from zhengfa.org.roles import Role

pytestmark = pytest.mark.django_db
BEIJING = ZoneInfo("Asia/Shanghai")
PERIOD = Period(date(2025, 3, 10), date(2026, 5, 20))  # whole months and edge days

SQL = f"""
SELECT m.kind, m.region_code, m.unit_id, m.status, m.paused, m.due_on, {LIMIT_SQL},
       m.opened_at, m.closed_at, d.outcome, d.outcome_at, a.within_limit, a.done_at,
       c.registered_on, c.major, c.solved_on
FROM flow_matter m
LEFT JOIN disputes_dispute d ON d.matter_id = m.id
LEFT JOIN portal_application a ON a.matter_id = m.id
LEFT JOIN police_criminalcase c ON c.matter_id = m.id
"""  # noqa: S608 (LIMIT_SQL is ours)


@dataclass
class Row:
    kind: str
    region_code: str
    unit_id: int
    status: str
    paused: bool
    due_on: Any
    limit_at: Any  # the limit's due instant (``LIMIT_SQL``)
    opened_at: Any
    closed_at: Any
    outcome: str | None
    outcome_at: Any
    within_limit: bool | None
    done_at: Any
    registered_on: Any
    major: bool | None
    solved_on: Any


def _instant(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value)  # SQLite hands back text


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def source_rows() -> list[Row]:
    with connection.cursor() as cursor:
        cursor.execute(SQL)
        rows = [Row(*values) for values in cursor.fetchall()]
    for row in rows:
        for name in ("limit_at", "opened_at", "closed_at", "outcome_at", "done_at"):
            setattr(row, name, _instant(getattr(row, name)))
        for name in ("due_on", "registered_on", "solved_on"):
            setattr(row, name, _day(getattr(row, name)))
        row.paused, row.major = bool(row.paused), None if row.major is None else bool(row.major)
    return rows


def beijing(moment: datetime | None) -> date | None:
    return moment.astimezone(BEIJING).date() if moment else None


def within(day: date | None, period: Period = PERIOD) -> bool:
    return day is not None and period.since <= day <= period.until


class Oracle:
    def __init__(self, rows: list[Row]) -> None:
        self.rows = rows

    def of(self, kinds: Any = None) -> list[Row]:
        if kinds is None:
            return self.rows
        wanted = {kinds} if isinstance(kinds, str) else set(kinds)
        return [r for r in self.rows if r.kind in wanted]

    def open(self, kinds: Any = None) -> int:
        return sum(r.status == "open" for r in self.of(kinds))

    def overdue(self, kinds: Any = None) -> int:
        return sum(
            r.status == "open" and not r.paused and r.due_on is not None and r.due_on < TODAY
            for r in self.of(kinds)
        )

    def paused(self, kinds: Any = None) -> int:
        return sum(r.status == "open" and r.paused for r in self.of(kinds))

    def opened(self, kinds: Any = None) -> int:
        return sum(within(beijing(r.opened_at)) for r in self.of(kinds))

    def closed(self, kinds: Any = None) -> int:
        return sum(within(beijing(r.closed_at)) for r in self.of(kinds))

    def in_limit(self, kinds: Any = None) -> tuple[int, int]:
        limited = [
            r for r in self.of(kinds) if r.limit_at and r.closed_at and within(beijing(r.closed_at))
        ]
        return sum(r.closed_at <= r.limit_at for r in limited), len(limited)

    def mediation(self) -> tuple[int, int]:
        ended = [r for r in self.rows if r.outcome and within(beijing(r.outcome_at))]
        return sum(r.outcome == "agreement" for r in ended), len(ended)

    def service(self) -> tuple[int, int]:
        done = [
            r
            for r in self.of(service_kinds())
            if r.within_limit is not None and within(beijing(r.done_at))
        ]
        return sum(bool(r.within_limit) for r in done), len(done)

    def major_clearance(self) -> tuple[int, int]:
        solved = sum(bool(r.major) and within(r.solved_on) for r in self.rows)
        registered = sum(bool(r.major) and within(r.registered_on) for r in self.rows)
        return solved, registered

    def registered(self, period: Period) -> int:
        return sum(within(r.registered_on, period) for r in self.rows)


def oracle_for(*, region: str | None = None, unit: int | None = None) -> Oracle:
    rows = source_rows()
    if region is not None:
        rows = [r for r in rows if r.region_code.startswith(region)]
    if unit is not None:
        rows = [r for r in rows if r.unit_id == unit]
    return Oracle(rows)


def figures(board: Any) -> dict[str, Any]:
    return {f.key: f for f in board.figures}


def rate(figure: Any) -> tuple[int, int | None]:
    return figure.numerator, figure.denominator


@pytest.fixture
def world(mini_city: MiniCity) -> MiniCity:
    build_world(mini_city, matters=120, changes=80)
    move_limits_to_clocks(20)  # closed court cases keep their limit only in clocks
    rebuild(today=TODAY)
    return mini_city


def test_commission_figures_equal_source_counts(world: MiniCity) -> None:
    user = world.users[Role.COMMISSION]  # region scope: county A
    oracle = oracle_for(region=COUNTY_A)
    got = figures(commission(user, PERIOD, TODAY))
    assert rate(got["major_clearance"]) == oracle.major_clearance()
    assert rate(got["incidence"]) == (
        oracle.registered(PERIOD),
        oracle.registered(PERIOD.last_year()),
    )
    assert rate(got["in_limit"]) == oracle.in_limit()
    assert rate(got["mediation"]) == oracle.mediation()
    assert rate(got["hazard_on_time"]) == oracle.in_limit("hazard")
    assert rate(got["service"]) == oracle.service()
    assert got["overdue"].value == oracle.overdue()
    assert sum(rate(f)[0] for f in got.values()) > 0


def test_court_supervision_figures_equal_source_counts(world: MiniCity) -> None:
    president = world.users[Role.COURT_PRESIDENT]  # unit scope: county A's court
    oracle = oracle_for(unit=world.courts[COUNTY_A].pk)
    kinds = court_kinds()
    got = figures(court_supervision(president, PERIOD, TODAY))
    assert got["open"].value == oracle.open(kinds) > 0
    assert got["overdue"].value == oracle.overdue(kinds)
    assert got["paused"].value == oracle.paused(kinds)
    assert got["opened"].value == oracle.opened(kinds)
    assert got["closed"].value == oracle.closed(kinds)
    assert rate(got["in_limit"]) == oracle.in_limit(kinds)


def test_governance_figures_equal_source_counts(world: MiniCity) -> None:
    operator = world.users[Role.CENTRE_OPERATOR]  # region scope: a township of county A
    oracle = oracle_for(region=operator.region_id)
    got = figures(governance_centre(operator, PERIOD, TODAY))
    assert got["disputes_opened"].value == oracle.opened("dispute")
    assert got["disputes_open"].value == oracle.open("dispute")
    assert got["disputes_overdue"].value == oracle.overdue("dispute")
    assert rate(got["mediation"]) == oracle.mediation()
    assert got["hazards_open"].value == oracle.open("hazard")
    assert rate(got["hazard_on_time"]) == oracle.in_limit("hazard")
    assert rate(got["service"]) == oracle.service()


def test_outsiders_see_nothing_of_another_county(world: MiniCity) -> None:
    outsider = world.outsiders[Role.COMMISSION]  # county B
    before = [f.formula for f in commission(outsider, PERIOD, TODAY).figures]
    got = figures(commission(outsider, PERIOD, TODAY))
    assert rate(got["in_limit"]) == oracle_for(region=COUNTY_B).in_limit()
    extra = build_world(world, seed=99, matters=0, changes=0)
    for _ in range(30):
        add_matter(extra, county=COUNTY_A)
    refresh(today=TODAY)
    assert [f.formula for f in commission(outsider, PERIOD, TODAY).figures] == before
    insider = figures(commission(world.users[Role.COMMISSION], PERIOD, TODAY))
    assert rate(insider["in_limit"]) == oracle_for(region=COUNTY_A).in_limit()


def _login(user: Any) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


PAGES = {
    "courts": Role.COURT_PRESIDENT,
    "governance": Role.CENTRE_OPERATOR,
    "commission": Role.COMMISSION,
}


@pytest.mark.parametrize(("key", "role"), PAGES.items())
def test_pages_show_the_figures_with_their_formula(world: MiniCity, key: str, role: str) -> None:
    response = _login(world.users[role]).get(f"/insight/dashboards/{key}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'class="figure-formula"' in body and "<svg" in body and "<script" not in body


@pytest.mark.parametrize("role", [Role.JUDGE, Role.GRID_WORKER, Role.MEDIATOR])
def test_other_roles_get_404(world: MiniCity, role: str) -> None:
    assert _login(world.users[role]).get("/insight/dashboards/commission/").status_code == 404


def test_anonymous_is_sent_to_log_in(world: MiniCity) -> None:
    response = Client().get("/insight/dashboards/commission/")
    assert response.status_code == 302


def test_bad_dates_are_shown_and_kept(world: MiniCity) -> None:
    client = _login(world.users[Role.COMMISSION])
    response = client.get("/insight/dashboards/commission/?since=2026-13-01&until=2026-02-01")
    assert response.status_code == 422
    body = response.content.decode()
    assert 'role="alert"' in body and 'value="2026-13-01"' in body


@pytest.mark.parametrize(("key", "role"), PAGES.items())
def test_query_count_does_not_grow_with_the_data(mini_city: MiniCity, key: str, role: str) -> None:
    client = _login(mini_city.users[role])
    counts = []
    for seed, size in ((1, 80), (2, 200)):
        build_world(mini_city, seed=seed, matters=size, changes=size // 2)
        refresh(today=TODAY)
        client.get("/")  # the session's first request writes it: not the page's cost
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/insight/dashboards/{key}/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert not any("flow_matter" in q["sql"] for q in queries.captured_queries)


def test_chinese_by_default_english_on_request(world: MiniCity) -> None:
    client = _login(world.users[Role.COMMISSION])
    chinese = client.get("/insight/dashboards/commission/").content.decode()
    assert "八类主要刑事案件破案率" in chinese and "调解成功率" in chinese
    client.cookies["django_language"] = "en"
    english = client.get("/insight/dashboards/commission/").content.decode()
    assert "Clearance of the eight major criminal case types" in english
