"""Rerunnable benchmark of the insight count tables: ``python bench/bench_insight_dashboards.py
[--matters 1000000] [--grids 3380] [--keep] [--json]``.

Runs on a throw-away test database of whatever ``DATABASE_URL`` points at (SQLite when
unset; ``--keep`` keeps it, and its generated matters, for the next run). Matters are
generated set-based in the database (``generate_series`` on PostgreSQL, a recursive CTE on
SQLite) over a city of ``--grids`` grids in 10 counties × 10 townships: court cases,
disputes (with outcomes), hazards, criminal cases (eight major types included), service
applications (within the promise or not) and police incidents, over three years; 85 %
closed. Then, in one run:

- the full rebuild of the count tables (``refresh.rebuild``) and the size of each table;
- an incremental refresh after 1,000 matters change (the trigger-fed queue drained);
- each dashboard (courts, governance, commission) built for a city-wide viewer and for a
  county's court president / a township's centre operator, and the page rendered: median
  of ``--repeat`` runs;
- ``grid_measures`` over the whole city (overdue now; opened in the year): median;
- the same per-court aggregate read straight from the matter table (open, overdue), the
  baseline the count tables replace.

Results are recorded in bench/README.md (Insight dashboards).
"""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

import benchkit

benchkit.setup_django()

from django.db import connection, models  # noqa: E402
from django.test import Client  # noqa: E402

from zhengfa.disputes.models import Dispute, DisputeCategory  # noqa: E402
from zhengfa.flow.models import Matter  # noqa: E402
from zhengfa.insight import aggregates  # noqa: E402
from zhengfa.insight.dashboards import DASHBOARDS, Period  # noqa: E402
from zhengfa.insight.mapping import Measure  # noqa: E402
from zhengfa.insight.models import (  # noqa: E402
    AreaCount,
    DailyCount,
    MatterChange,
    MatterFact,
    MonthlyCount,
    OpenCount,
)
from zhengfa.insight.refresh import rebuild, refresh  # noqa: E402
from zhengfa.org.models import Grid, Unit, UnitKind, User  # noqa: E402
from zhengfa.org.roles import Role  # noqa: E402
from zhengfa.police.models import CriminalCase  # noqa: E402
from zhengfa.portal.models import Application, ServiceItem  # noqa: E402

TODAY = date(2026, 11, 27)
START = "2023-12-01 00:00:00"
SPAN_S = 3 * 365 * 86400
KINDS = (
    "court_civil_first",
    "dispute",
    "hazard",
    "criminal_case",
    "portal_service",
    "police_incident",
)
CRIMES = ("homicide", "assault", "robbery", "theft", "burglary", "fraud", "telecom_fraud", "other")
MAJOR = ("homicide", "assault", "robbery")
POSTGRES = connection.vendor == "postgresql"


def _execute(sql: str, params: list[Any] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)  # None: no placeholders, "%" is modulo


def _scalar(sql: str) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


# ---- the city -------------------------------------------------------------------------


def build_city(grids: int) -> dict[str, User]:
    townships = benchkit.build_regions("2304", with_courts=True)
    for township in townships:
        for kind, suffix in (
            (UnitKind.GOVERNANCE_CENTRE, "ZX"),
            (UnitKind.POLICE_STATION, "PCS"),
        ):
            Unit.objects.create(
                code=f"{township.code}-{suffix}",
                name=f"{township.code}{suffix}",
                kind=kind,
                level="township",
                region_id=township.code,
            )
    benchkit.build_grids(grids, townships)
    city_centre = Unit.objects.create(
        code="2304-C",
        name="市综治中心",
        kind=UnitKind.GOVERNANCE_CENTRE,
        level="city",
        region_id="2304",
    )
    return _viewers(city_centre)


def _viewers(city_centre: Unit) -> dict[str, User]:
    court = Unit.objects.get(code="230401-FY")
    township_centre = Unit.objects.get(code="230401001-ZX")
    return {
        "commission (city)": User.objects.create(
            username="b-com", role=Role.COMMISSION, region_id="2304"
        ),
        "court president (county)": User.objects.create(
            username="b-court", role=Role.COURT_PRESIDENT, unit=court
        ),
        "centre operator (township)": User.objects.create(
            username="b-centre",
            role=Role.CENTRE_OPERATOR,
            unit=township_centre,
            region_id="230401001",
        ),
        "centre operator (city)": User.objects.create(
            username="b-city-centre", role=Role.CENTRE_OPERATOR, unit=city_centre, region_id="2304"
        ),
    }


# ---- set-based generation ---------------------------------------------------------------


def _series(n: int) -> str:
    if POSTGRES:
        return f"SELECT generate_series(1, {n})::bigint AS n"
    return f"WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < {n}) SELECT n FROM s"  # noqa: E501, S608 (numbers only)


def _plus_seconds(expr: str) -> str:
    if POSTGRES:
        return f"(TIMESTAMPTZ '{START}+00' + make_interval(secs => ({expr})))"
    return f"datetime('{START}', '+' || ({expr}) || ' seconds')"


def _beijing_date(instant: str) -> str:
    if POSTGRES:
        return f"(({instant}) AT TIME ZONE 'Asia/Shanghai')::date"
    return f"date({instant}, '+8 hours')"


def _grid_table() -> None:
    _execute("DROP TABLE IF EXISTS bench_grid")
    _execute(
        "CREATE TABLE bench_grid AS SELECT ROW_NUMBER() OVER (ORDER BY g.id) - 1 AS idx, "
        "g.id AS grid_id, g.region_code AS township, substr(g.region_code, 1, 6) AS county, "
        "zx.id AS centre_id, pcs.id AS station_id, fy.id AS court_id FROM org_grid g "
        "JOIN org_unit zx ON zx.code = g.region_code || '-ZX' "
        "JOIN org_unit pcs ON pcs.code = g.region_code || '-PCS' "
        "JOIN org_unit fy ON fy.code = substr(g.region_code, 1, 6) || '-FY'"
    )


def generate_matters(n: int) -> None:
    _grid_table()
    grids = Grid.objects.count()
    opened = _plus_seconds(f"(s.n * 104729) % {SPAN_S}")
    closed = _plus_seconds(f"(s.n * 104729) % {SPAN_S} + ((s.n * 13) % 120) * 86400 + 3600")
    due = _plus_seconds(f"(s.n * 104729) % {SPAN_S} + ((s.n * 17) % 90 + 10) * 86400")
    kind = "CASE s.n % 6 " + " ".join(f"WHEN {i} THEN '{k}'" for i, k in enumerate(KINDS)) + " END"
    is_closed = f"((s.n * 31) % 100 < 85 AND {closed} < {_plus_seconds(str(SPAN_S))})"
    _execute(
        "INSERT INTO flow_matter (kind, title, region_code, grid_id, unit_id, stage, status, "  # noqa: S608 (bench constants only)
        "opened_at, closed_at, due_on, due_at, paused, enterprise_related, version) "
        f"SELECT {kind}, 'bench', CASE WHEN s.n % 6 = 0 THEN g.county ELSE g.township END, "
        "CASE WHEN s.n % 6 = 0 THEN NULL ELSE g.grid_id END, "
        "CASE s.n % 6 WHEN 0 THEN g.court_id WHEN 3 THEN g.station_id WHEN 5 THEN g.station_id "
        "ELSE g.centre_id END, 'handling', "
        f"CASE WHEN {is_closed} THEN 'closed' ELSE 'open' END, {opened}, "
        f"CASE WHEN {is_closed} THEN {closed} END, {_beijing_date(due)}, {due}, "
        f"NOT {is_closed} AND (s.n * 37) % 100 < 3, FALSE, 1 "
        f"FROM ({_series(n)}) s JOIN bench_grid g ON g.idx = (s.n * 7919) % {grids}"
    )
    _details()


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def _insert_details(model: type[models.Model], given: dict[str, str], where: str) -> None:
    """INSERT … SELECT from the matters of one kind; unnamed columns get their defaults."""
    columns, values = [], []
    for field in model._meta.concrete_fields:
        column = field.column
        columns.append(column)
        if column in given:
            values.append(given[column])
        elif field.null:
            values.append("NULL")
        else:
            values.append(_literal(field.get_default()))
    _execute(
        f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "  # noqa: S608 (bench constants only)
        f"SELECT {', '.join(values)} FROM flow_matter m WHERE {where}"
    )


def _details() -> None:
    category = DisputeCategory.objects.order_by("pk").values_list("pk", flat=True).first()
    item = ServiceItem.objects.order_by("pk").values_list("pk", flat=True).first()
    outcome = "CASE WHEN m.id % 4 = 0 THEN 'failed' ELSE 'agreement' END"
    _insert_details(
        Dispute,
        {
            "matter_id": "m.id",
            "category_id": str(category),
            "severity": "'general'",
            "channel": "'grid'",
            "reported_at": "m.opened_at",
            "outcome": f"CASE WHEN m.closed_at IS NULL THEN '' ELSE {outcome} END",
            "outcome_at": "m.closed_at",
        },
        "m.kind = 'dispute'",
    )
    crime = (
        "CASE m.id % 8 " + " ".join(f"WHEN {i} THEN '{c}'" for i, c in enumerate(CRIMES)) + " END"
    )
    _insert_details(
        CriminalCase,
        {
            "matter_id": "m.id",
            "crime_type": crime,
            "major": "(m.id % 8 < 3)",
            "registered_on": _beijing_date("m.opened_at"),
            "solved_on": (
                f"CASE WHEN m.closed_at IS NULL THEN NULL ELSE {_beijing_date('m.closed_at')} END"
            ),
        },
        "m.kind = 'criminal_case'",
    )
    _insert_details(
        Application,
        {
            "matter_id": "m.id",
            "item_id": str(item),
            "receipt": "'B' || m.id",
            "channel": "'online'",
            "submitted_at": "m.opened_at",
            "status": "CASE WHEN m.closed_at IS NULL THEN 'processing' ELSE 'done' END",
            "done_at": "m.closed_at",
            "limit_due_at": "m.due_at",
            "within_limit": (
                "CASE WHEN m.closed_at IS NULL THEN NULL ELSE m.closed_at <= m.due_at END"
            ),
        },
        "m.kind = 'portal_service'",
    )
    if POSTGRES:
        _execute("ANALYZE")


def _change_some(count: int) -> None:
    ids = list(Matter.objects.filter(status="open").values_list("pk", flat=True)[:count])
    Matter.objects.filter(pk__in=ids).update(paused=models.Q(paused=False))


def direct_per_court() -> object:
    """The baseline: open and overdue per court straight from the matter table."""
    return list(
        Matter.objects.filter(kind="court_civil_first", status="open")
        .values("unit_id")
        .annotate(
            open=models.Count("pk"),
            overdue=models.Count("pk", filter=models.Q(paused=False, due_on__lt=TODAY)),
        )
    )


def measure(viewers: dict[str, User], repeat: int, figures: dict[str, Any]) -> None:
    period = Period(date(2026, 1, 1), TODAY)
    pages = {
        "courts": ("commission (city)", "court president (county)"),
        "governance": ("centre operator (city)", "centre operator (township)"),
        "commission": ("commission (city)",),
    }
    for key, names in pages.items():
        for name in names:
            user = viewers[name]
            figures[f"dashboard {key}, {name} [s]"] = benchkit.median_seconds(
                lambda k=key, u=user: DASHBOARDS[k](u, period, TODAY), repeat
            )
    city = viewers["commission (city)"]
    figures["grid_measures overdue, city [s]"] = benchkit.median_seconds(
        lambda: aggregates.grid_measures(city, "overdue", today=TODAY), repeat
    )
    figures["grid_measures opened 2026, city [s]"] = benchkit.median_seconds(
        lambda: aggregates.grid_measures(city, "opened", since=period.since, until=TODAY), repeat
    )
    figures["baseline: per-court open/overdue from flow_matter [s]"] = benchkit.median_seconds(
        direct_per_court, max(3, repeat // 3)
    )
    client = Client()
    client.force_login(viewers["commission (city)"])
    figures["page /insight/dashboards/commission/ (city) [s]"] = benchkit.median_seconds(
        lambda: client.get("/insight/dashboards/commission/"), repeat
    )
    for name in ("commission (city)", "centre operator (township)"):
        _map_measures(viewers[name], name, repeat, figures)


def _map_measures(user: User, name: str, repeat: int, figures: dict[str, Any]) -> None:
    """The one map's API, every measure by grid, as the page fetches it."""
    client = Client()
    client.force_login(user)
    for measure in Measure:
        url = f"/api/v1/insight/map/measures?measure={measure}&level=grid"
        figures[f"map {measure} by grid, {name} [s]"] = benchkit.median_seconds(
            lambda u=url: _ok(client.get(u)), repeat
        )


def _ok(answer: Any) -> None:
    if answer.status_code != 200:
        raise RuntimeError(f"{answer.status_code}: {answer.content[:200]!r}")


def run(args: argparse.Namespace, figures: dict[str, Any]) -> None:
    """Fill ``figures`` as they are measured (a failure late keeps the earlier ones)."""
    figures.update({"database": connection.vendor, "matters": args.matters})
    if Matter.objects.count() != args.matters:
        figures["generate [s]"] = benchkit.timed(lambda: build_and_generate(args))
    if not args.no_rebuild or not MatterFact.objects.exists():
        figures["rebuild (full) [s]"] = benchkit.timed(lambda: rebuild(today=TODAY))
    viewers = {u.username: u for u in User.objects.filter(username__startswith="b-")}
    named = _viewers_by_name(viewers)
    figures["facts"] = MatterFact.objects.count()
    for model in (DailyCount, MonthlyCount, AreaCount, OpenCount):
        figures[f"{model.__name__} rows"] = model.objects.count()
    _change_some(1000)
    figures["queued changes"] = MatterChange.objects.count()
    figures["refresh after 1,000 changed matters [s]"] = benchkit.timed(
        lambda: refresh(today=TODAY)
    )
    measure(named, args.repeat, figures)


def build_and_generate(args: argparse.Namespace) -> None:
    if not Grid.objects.exists():
        build_city(args.grids)
    generate_matters(args.matters)


def _viewers_by_name(users: dict[str, User]) -> dict[str, User]:
    return {
        "commission (city)": users["b-com"],
        "court president (county)": users["b-court"],
        "centre operator (township)": users["b-centre"],
        "centre operator (city)": users["b-city-centre"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--matters", type=int, default=1_000_000)
    parser.add_argument("--grids", type=int, default=3380)
    parser.add_argument("--repeat", type=int, default=9, help="reads per median")
    parser.add_argument("--keep", action="store_true", help="keep the database for a rerun")
    parser.add_argument(
        "--no-rebuild", action="store_true", help="with --keep: reuse the kept count tables"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    figures: dict[str, Any] = {}
    try:
        with benchkit.throwaway_database(keep=args.keep):
            run(args, figures)
    finally:
        benchkit.print_figures(figures, as_json=args.json, width=58, places=3)


if __name__ == "__main__":
    main()
