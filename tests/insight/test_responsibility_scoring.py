"""Annual scores equal a hand computation from direct SQL counts over the source tables,
on a random history of the mini city (tests/insight/world.py) plus hazards."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import connection

from tests.insight.world import LIMIT_SQL, build_world, move_limits_to_clocks
from tests.org.mini_city import COUNTY_A, COUNTY_B, MiniCity
from zhengfa.disputes.models import Dispute
from zhengfa.flow.models import Matter
from zhengfa.hazards.models import Campaign, CampaignTheme, Hazard
from zhengfa.insight.responsibility.indicators import CATALOGUE
from zhengfa.insight.responsibility.models import IndicatorScore, Target, UnitScore
from zhengfa.insight.responsibility.scoring import indicator_score, ranks, weighted_total
from zhengfa.insight.responsibility.services import scores_compute, targets_fill_defaults
from zhengfa.org.models import Unit, UnitKind
from zhengfa.org.roles import Role

YEAR = 2026
CENT = Decimal("0.01")
AS_OF = date(2026, 6, 15)
# The period in UTC, as the database stores instants: 2026-01-01 00:00 Asia/Shanghai to
# the end of 15 June, and the same span of 2025 for the incidence change.
START, END = "2025-12-31 16:00:00", "2026-06-15 16:00:00"


def responsible_units(city: MiniCity) -> list[Unit]:
    commissions = [
        Unit.objects.create(
            code=f"{county}-ZFW",
            name=f"{county}政法委",
            kind=UnitKind.COMMISSION,
            level="county",
            region_id=county,
            is_responsible_unit=True,
        )
        for county in (COUNTY_A, COUNTY_B)
    ]
    court = city.courts[COUNTY_A]
    court.is_responsible_unit = True
    court.save()
    return [*commissions, court]


def add_hazards(city: MiniCity, count: int) -> None:
    rng = random.Random(11)
    theme = CampaignTheme.objects.create(code="resp-test", name="测试")
    campaign = Campaign.objects.create(
        theme=theme,
        name="专项",
        region_id=COUNTY_A,
        starts_on=date(2025, 1, 1),
        ends_on=date(2026, 12, 31),
        lead_unit=city.centres[COUNTY_A],
        created_at=datetime(2025, 1, 1, tzinfo=UTC),
    )
    for n in range(count):
        county = rng.choice((COUNTY_A, COUNTY_B))
        grid = rng.choice(city.grids[county])
        found = datetime(2025, 10, 1, tzinfo=UTC) + timedelta(hours=rng.randrange(0, 6000))
        due = found + timedelta(days=rng.randrange(1, 30))
        closed = found + timedelta(days=rng.randrange(0, 45)) if rng.random() < 0.8 else None
        matter = Matter.objects.create(
            kind="hazard",
            title=f"隐患 {n}",
            region_id=grid.region_id,
            grid=grid,
            unit=city.centres[county],
            stage="rectify",
            status="closed" if closed else "open",
            opened_at=found,
            due_at=due,
            closed_at=closed,
        )
        Hazard.objects.create(
            matter=matter,
            campaign=campaign,
            severity="general",
            description="d",
            responsible_party="某店",
            lon=grid.centroid_lon,
            lat=grid.centroid_lat,
            found_at=found,
        )


def mediate(count: int) -> None:
    """Close some disputes in the first half of 2026 with a mediation outcome."""
    rng = random.Random(5)
    for dispute in Dispute.objects.order_by("pk")[:count]:
        closed = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(hours=rng.randrange(0, 4300))
        Matter.objects.filter(pk=dispute.pk).update(status="closed", closed_at=closed)
        outcome = rng.choice(["agreement", "agreement", "partial", "failed"])
        Dispute.objects.filter(pk=dispute.pk).update(outcome=outcome, outcome_at=closed)


def _area_sql(unit: Unit, alias: str = "m") -> tuple[str, list[object]]:
    if unit.kind == UnitKind.COMMISSION:
        return f"{alias}.region_code LIKE %s", [unit.region_id + "%"]
    return f"{alias}.unit_id = %s", [unit.pk]


def _one(sql: str, params: list[object]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.fetchone()[0])


def hand_counts(unit: Unit) -> dict[str, tuple[int, int | None]]:
    """(numerator, denominator) of every indicator, by direct SQL."""
    area, p = _area_sql(unit)
    limit = LIMIT_SQL
    closed = f"FROM flow_matter m WHERE {area} AND {limit} IS NOT NULL "
    closed += "AND m.closed_at >= %s AND m.closed_at < %s"
    due = f"FROM flow_matter m WHERE {area} AND {limit} >= %s AND {limit} < %s"
    dispute = (
        f"FROM disputes_dispute d JOIN flow_matter m ON m.id = d.matter_id WHERE {area} "
        "AND m.closed_at >= %s AND m.closed_at < %s AND d.outcome <> ''"
    )
    hazard = (
        f"FROM hazards_hazard h JOIN flow_matter m ON m.id = h.matter_id WHERE {area} "
        "AND m.due_at >= %s AND m.due_at < %s"
    )
    apps = (
        f"FROM portal_application a JOIN flow_matter m ON m.id = a.matter_id WHERE {area} "
        "AND a.done_at >= %s AND a.done_at < %s AND a.within_limit IS NOT NULL"
    )
    crime = (
        f"FROM police_criminalcase c JOIN flow_matter m ON m.id = c.matter_id WHERE {area} "
        "AND c.registered_on >= %s AND c.registered_on <= %s"
    )
    span = [*p, START, END]
    this_year, last_year = [*p, "2026-01-01", "2026-06-15"], [*p, "2025-01-01", "2025-06-15"]
    return {
        "closed_within_limit": (
            _one(f"SELECT COUNT(*) {closed} AND m.closed_at <= {limit}", span),
            _one(f"SELECT COUNT(*) {closed}", span),
        ),
        "overdue": (
            _one(
                f"SELECT COUNT(*) {due} AND (m.closed_at IS NULL OR m.closed_at > {limit})",
                span,
            ),
            None,
        ),
        "mediation_success": (
            _one(f"SELECT COUNT(*) {dispute} AND d.outcome = 'agreement'", span),
            _one(f"SELECT COUNT(*) {dispute}", span),
        ),
        "hazard_on_time": (
            _one(f"SELECT COUNT(*) {hazard} AND m.closed_at <= m.due_at", span),
            _one(f"SELECT COUNT(*) {hazard}", span),
        ),
        "service_within_promise": (
            _one(f"SELECT COUNT(*) {apps} AND a.within_limit = %s", [*span, True]),
            _one(f"SELECT COUNT(*) {apps}", span),
        ),
        "major_clearance": (
            _one(
                f"SELECT COUNT(*) {crime} AND c.major = %s AND c.solved_on <= %s",
                [*this_year, True, "2026-06-15"],
            ),
            _one(f"SELECT COUNT(*) {crime} AND c.major = %s", [*this_year, True]),
        ),
        "incidence_change": (
            _one(f"SELECT COUNT(*) {crime}", this_year),
            _one(f"SELECT COUNT(*) {crime}", last_year),
        ),
    }


def hand_actual(code: str, numerator: int, denominator: int | None) -> float | None:
    if code == "overdue":
        return float(numerator)
    if not denominator:
        return None
    if code == "incidence_change":
        return 100 * (numerator - denominator) / denominator
    return 100 * numerator / denominator


def hand_score(code: str, target: float, tolerance: float, shown: Decimal | None) -> float | None:
    """The score from the actual value as the report shows it (to 0.01)."""
    if shown is None:
        return None
    actual = float(shown)
    higher = CATALOGUE[code].direction == "higher"
    short = target - actual if higher else actual - target
    return 100.0 if short <= 0 else max(0.0, 100 * (1 - short / tolerance))


def build_scored(city: MiniCity) -> list[Unit]:
    """The random history, three responsible units with default targets (one changed) and
    their 2026 scores as of 15 June."""
    build_world(city, matters=160, changes=140)
    add_hazards(city, 40)
    mediate(30)
    move_limits_to_clocks(25)
    units = responsible_units(city)
    targets_fill_defaults(actor=None, units=units, year=YEAR)
    # One unit with its own targets, so the weights and tolerances are not all defaults.
    Target.objects.filter(unit=units[0], indicator="closed_within_limit").update(
        target_value=Decimal("60"), weight=40, tolerance=Decimal("25")
    )
    scores_compute(year=YEAR, as_of=AS_OF, actor=city.users[Role.PLATFORM_ADMIN])
    return units


@pytest.fixture
def scored(mini_city: MiniCity) -> list[Unit]:
    return build_scored(mini_city)


@pytest.mark.django_db
def test_every_indicator_equals_the_hand_computation(scored: list[Unit]) -> None:
    compared = 0
    for unit in scored:
        counts = hand_counts(unit)
        stored = UnitScore.objects.get(unit=unit, year=YEAR)
        lines = {line.indicator: line for line in stored.lines.all()}
        assert set(lines) == set(CATALOGUE)
        expected_lines = []
        for code, (numerator, denominator) in counts.items():
            line = lines[code]
            assert (line.numerator, line.denominator) == (numerator, denominator), (unit, code)
            actual = hand_actual(code, numerator, denominator)
            if actual is None:
                assert line.actual is None and line.score is None
            else:
                assert float(line.actual or 0) == pytest.approx(actual, abs=0.005), (unit, code)
            target = Target.objects.get(unit=unit, year=YEAR, indicator=code)
            shown = None if actual is None else Decimal(actual).quantize(CENT, ROUND_HALF_UP)
            score = hand_score(code, float(target.target_value), float(target.tolerance), shown)
            assert (line.score is None) == (score is None)
            if score is not None:
                assert float(line.score or 0) == pytest.approx(score, abs=0.011), (unit, code)
                expected_lines.append((target.weight, score))
                compared += 1
        weights = sum(w for w, _ in expected_lines)
        total = sum(w * s for w, s in expected_lines) / weights
        assert float(stored.total or 0) == pytest.approx(total, abs=0.02)
    assert compared >= 12  # the world gives most indicators data to score


@pytest.mark.django_db
def test_the_world_exercises_every_measure(scored: list[Unit]) -> None:
    counts = hand_counts(scored[0])  # county A's commission: its whole region
    for code, (_numerator, denominator) in counts.items():
        assert denominator is None or denominator > 0, code


@pytest.mark.django_db
def test_ranks_follow_the_totals(scored: list[Unit]) -> None:
    rows = list(UnitScore.objects.filter(year=YEAR))
    assert {r.ranked_units for r in rows} == {len(rows)}
    by_total = sorted(rows, key=lambda r: -(r.total or 0))
    assert by_total[0].rank == 1
    for higher, lower in zip(by_total, by_total[1:], strict=False):
        assert (higher.rank or 0) <= (lower.rank or 0)


@pytest.mark.django_db
def test_rescoring_replaces_the_year_and_leaves_other_years(scored: list[Unit]) -> None:
    targets_fill_defaults(actor=None, units=scored[:1], year=YEAR - 1)
    scores_compute(year=YEAR - 1, as_of=AS_OF)
    scores_compute(year=YEAR, as_of=AS_OF)
    assert UnitScore.objects.filter(year=YEAR).count() == len(scored)
    assert UnitScore.objects.filter(year=YEAR - 1).count() == 1
    assert IndicatorScore.objects.count() == (len(scored) + 1) * len(CATALOGUE)


def test_indicator_score_rules() -> None:
    d = Decimal
    assert indicator_score("higher", d(95), d(20), d(96)) == 100
    assert indicator_score("higher", d(95), d(20), d(85)) == d("50.00")
    assert indicator_score("higher", d(95), d(20), d(10)) == 0
    assert indicator_score("lower", d(0), d(20), d(5)) == d("75.00")
    assert indicator_score("lower", d(-5), d(20), d(-7)) == 100
    assert indicator_score("lower", d(-5), d(20), d(5)) == d("50.00")
    assert indicator_score("higher", d(95), d(20), None) is None


def test_total_leaves_out_unscored_weights_and_ranks_share_ties() -> None:
    assert weighted_total([(20, Decimal(100)), (10, Decimal(40)), (30, None)]) == Decimal("80.00")
    assert weighted_total([(20, None)]) is None
    totals = {"a": Decimal(90), "b": Decimal(95), "c": Decimal(90), "d": None, "e": Decimal(1)}
    assert ranks(totals) == {"a": 2, "b": 1, "c": 2, "d": None, "e": 4}
