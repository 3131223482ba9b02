"""The weekly series a detection reads (``selectors.weekly_series``) against a plain ORM
sum per series and week, on a small generated count table with the awkward cells: matters
without a grid, regions above the township, several units and categories and days in one
cell-week, other measures and days outside the weeks read."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest
from django.db.models import Q, QuerySet, Sum

from tests.org.mini_city import COUNTY_A, COUNTY_B, MiniCity
from zhengfa.insight.alerts import selectors
from zhengfa.insight.alerts.models import AreaLevel
from zhengfa.insight.alerts.selectors import SeriesKey
from zhengfa.insight.models import DailyCount
from zhengfa.insight.weeks import parse_week
from zhengfa.org.models import Grid

FIRST = parse_week("2025-W40")
FIRST_USED = FIRST + timedelta(weeks=3)
LAST = parse_week("2026-W14")
KINDS = ("dispute", "hazard")


def plant_counts(grids: list[Grid], *, seed: int) -> None:
    """Sparse random counts on random days from ``FIRST_USED`` (the weeks before it are
    empty, so they are trimmed) to one week after ``LAST`` (outside the weeks read), and
    one the day before ``FIRST`` (outside too)."""
    rng = np.random.default_rng(seed)
    cells = [(g.region_id, g.pk) for g in grids]
    cells += [(grids[0].region_id[:9], None), (COUNTY_B, None)]  # township, county
    days = (LAST - FIRST_USED).days + 14
    rows = [
        DailyCount(
            region_code=region,
            grid_id=grid,
            unit_id=int(rng.integers(1, 3)),
            kind=kind,
            category=str(rng.choice(["", "邻里纠纷"])),
            measure=str(rng.choice(["opened", "opened", "closed"])),
            day=FIRST_USED + timedelta(days=int(rng.integers(0, days))),
            n=int(rng.integers(1, 4)),
        )
        for region, grid in cells
        for kind in KINDS
        for _ in range(int(rng.integers(0, 40)))
    ]
    rows += [_opened(cells[0], FIRST_USED), _opened(cells[1], FIRST - timedelta(days=1))]
    DailyCount.objects.bulk_create(rows)


def _opened(cell: tuple[str, int | None], day: date) -> DailyCount:
    region, grid = cell
    return DailyCount(
        region_code=region,
        grid_id=grid,
        unit_id=1,
        kind=KINDS[0],
        category="",
        measure="opened",
        day=day,
        n=1,
    )


def orm_series(first: date, last: date) -> dict[str, list[int]]:
    """Every series with any matter opened in the weeks, counted by the ORM one series at a
    time (one conditional sum per week)."""
    opened = DailyCount.objects.filter(measure="opened", day__gte=first)
    opened = opened.filter(day__lt=last + timedelta(weeks=1))
    codes = dict(Grid.objects.values_list("pk", "code"))
    keys = {SeriesKey(AreaLevel.GRID, codes[g], k) for g, k in _pairs(opened, "grid_id")}
    for level, digits in ((AreaLevel.TOWNSHIP, 9), (AreaLevel.COUNTY, 6)):
        regions = _pairs(opened, "region_code")
        keys |= {SeriesKey(level, r[:digits], k) for r, k in regions if len(r) >= digits}
    mondays = [first + timedelta(weeks=i) for i in range((last - first).days // 7 + 1)]
    weekly = {
        str(i): Sum("n", filter=Q(day__gte=m, day__lt=m + timedelta(weeks=1)), default=0)
        for i, m in enumerate(mondays)
    }
    by_name = {v: k for k, v in codes.items()}
    series = {}
    for key in keys:
        where = (
            Q(grid_id=by_name[key.code])
            if key.level == AreaLevel.GRID
            else Q(region_code__startswith=key.code)
        )
        totals = opened.filter(where, kind=key.category).aggregate(**weekly)
        series[key.name] = [totals[str(i)] for i in range(len(mondays))]
    return series


def _pairs(rows: QuerySet[DailyCount], area: str) -> set[tuple[str, str]]:
    return set(rows.exclude(**{f"{area}__isnull": True}).values_list(area, "kind").distinct())


@pytest.mark.parametrize("seed", [1, 2])
def test_the_weekly_series_equal_an_orm_sum_per_series_and_week(
    mini_city: MiniCity, seed: int
) -> None:
    plant_counts(mini_city.grids[COUNTY_A] + mini_city.grids[COUNTY_B][:3], seed=seed)
    expected = orm_series(FIRST, LAST)

    data = selectors.weekly_series(first=FIRST, last=LAST)

    assert data.series == tuple(sorted(expected))
    assert data.weeks[0] == FIRST_USED
    assert data.weeks[-1] == LAST
    trimmed = (FIRST_USED - FIRST).days // 7
    assert {name: row.tolist() for name, row in zip(data.series, data.counts, strict=True)} == {
        name: counts[trimmed:] for name, counts in expected.items()
    }
    assert not any(sum(counts[:trimmed]) for counts in expected.values())


def test_no_matter_opened_gives_no_series(mini_city: MiniCity) -> None:
    data = selectors.weekly_series(first=FIRST, last=LAST)

    assert data.series == ()
    assert data.counts.shape == (0, len(data.weeks))
