"""Count tables (统计底表) behind the dashboards and the one map.

Three layers, all derived, all rebuildable from the source tables:

- ``MatterChange``: a queue of matter ids whose source rows changed, written by database
  triggers on the matter table and the domain tables that carry the numerators (see
  migration 0001). Nothing in the application has to remember to write it.
- ``MatterFact``: one row per matter, the projection of it that the counts need (its
  cell, its dates, its domain outcomes). It tells the refresher which cells a matter
  used to count in before it changed.
- ``DailyCount`` and ``MonthlyCount`` (events per cell and day or month: opened, closed,
  closed within the limit, …), ``AreaCount`` (the same without the grid, by day and by
  month, for dashboards over wide areas), and ``OpenCount`` (open, paused and overdue
  matters per cell as of ``RefreshState.as_of``; when the legal day turns, the refresher
  recounts the cells of the matters whose due date passed).

A cell is (region code, grid, unit, kind, category); townships, counties and the city
roll up by region-code prefix, the platform's scoping rule. See docs/insight.md.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from zhengfa.org.scoping import ScopedQuerySet, ScopeRule

CELL_SCOPE = ScopeRule(region="region_code", unit="unit_id")


class MatterChange(models.Model):
    """A matter whose source rows changed since the refresher last looked (a queue)."""

    id = models.BigAutoField(primary_key=True)
    matter_id = models.BigIntegerField()

    def __str__(self) -> str:
        return f"change {self.pk} of matter {self.matter_id}"


class Cell(models.Model):
    region_code = models.CharField(max_length=12)
    grid_id = models.BigIntegerField(null=True)
    unit_id = models.BigIntegerField()
    kind = models.CharField(max_length=48)
    category = models.CharField(max_length=48)

    class Meta:
        abstract = True


class FactFields(Cell):
    """What one matter contributes to the counts."""

    matter_id = models.BigIntegerField(primary_key=True)
    is_open = models.BooleanField()
    paused = models.BooleanField()
    due_on = models.DateField(null=True)
    opened_on = models.DateField()
    closed_on = models.DateField(null=True)
    closed_in_limit = models.BooleanField(null=True)  # None: open, or no limit ran
    mediated_on = models.DateField(null=True)  # disputes: the day of the outcome
    mediation_success = models.BooleanField(null=True)
    service_done_on = models.DateField(null=True)  # portal: the day it was done
    service_within = models.BooleanField(null=True)
    crime_registered_on = models.DateField(null=True)
    crime_major = models.BooleanField(null=True)
    crime_solved_on = models.DateField(null=True)

    class Meta:
        abstract = True


class MatterFact(FactFields):
    """Each matter's contribution, as of the last refresh."""

    class Meta:
        indexes = [
            models.Index(
                fields=["region_code", "grid_id", "unit_id", "kind", "category"],
                name="insight_fact_cell",
            ),
            models.Index(
                fields=["due_on"], name="insight_fact_open_due", condition=models.Q(is_open=True)
            ),
        ]

    def __str__(self) -> str:
        return f"fact of matter {self.matter_id}"


class DailyCount(Cell):
    """How many matters of a cell had one event (``measure``) on one day."""

    measure = models.CharField(max_length=24)
    day = models.DateField()
    n = models.PositiveIntegerField()

    scope: ClassVar[ScopeRule] = CELL_SCOPE
    objects = ScopedQuerySet["DailyCount"].as_manager()

    class Meta:
        indexes = [
            # Reads take a measure over a span of days (the map's edge days, the weekly
            # series) for a whole city or part of it: the days lead, the scope filters.
            models.Index(fields=["measure", "day"], name="insight_daily_read"),
            models.Index(
                fields=["region_code", "grid_id", "unit_id", "kind", "category"],
                name="insight_daily_cell",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.day}: {self.n}"


class MonthlyCount(Cell):
    """``DailyCount`` summed over a month (``month`` is its first day), for long periods."""

    measure = models.CharField(max_length=24)
    month = models.DateField()
    n = models.PositiveIntegerField()

    scope: ClassVar[ScopeRule] = CELL_SCOPE
    objects = ScopedQuerySet["MonthlyCount"].as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["measure", "month"], name="insight_monthly_read"),
            models.Index(
                fields=["region_code", "grid_id", "unit_id", "kind", "category"],
                name="insight_monthly_cell",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.month}: {self.n}"


class AreaCount(models.Model):
    """``DailyCount`` without the grid: what dashboards over a township, a county or the
    city read, so a year of figures is a few thousand month rows, not a row per grid-day."""

    region_code = models.CharField(max_length=12)
    unit_id = models.BigIntegerField()
    kind = models.CharField(max_length=48)
    category = models.CharField(max_length=48)
    measure = models.CharField(max_length=24)
    span = models.CharField(max_length=1, choices=[("d", "day"), ("m", "month")])
    start = models.DateField()  # the day, or the first day of the month
    n = models.PositiveIntegerField()

    scope: ClassVar[ScopeRule] = CELL_SCOPE
    objects = ScopedQuerySet["AreaCount"].as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["measure", "span", "start"], name="insight_area_read"),
            models.Index(
                fields=["region_code", "unit_id", "kind", "category"], name="insight_area_cell"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.span}{self.start}: {self.n}"


class OpenCount(Cell):
    """Matters of a cell open now: all, paused, and overdue (open, not paused, due date
    before ``RefreshState.as_of``, the legal day the counts were last brought to)."""

    n = models.PositiveIntegerField()
    paused = models.PositiveIntegerField(default=0)
    overdue = models.PositiveIntegerField(default=0)

    scope: ClassVar[ScopeRule] = CELL_SCOPE
    objects = ScopedQuerySet["OpenCount"].as_manager()

    class Meta:
        indexes = [
            models.Index(
                fields=["region_code", "grid_id", "unit_id", "kind", "category"],
                name="insight_open_cell",
            ),
        ]

    def __str__(self) -> str:
        return f"open {self.n}, overdue {self.overdue}"


class RefreshState(models.Model):
    """The legal day "overdue" was counted for; when the day turns, the refresher recounts
    the cells of the open matters whose due date passed in between."""

    key = models.CharField(max_length=16, primary_key=True, default="counts")
    as_of = models.DateField()

    def __str__(self) -> str:
        return f"counts as of {self.as_of}"
