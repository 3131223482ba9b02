"""Filling the count tables: incrementally from the change queue, or rebuilt in full.

Incremental (``refresh``): take a batch of queued matter ids, re-project those matters
into ``MatterFact`` from the source rows, and recount every cell they were or now are in
from the facts; then drop the batch from the queue — all in one transaction. A refresher
killed mid-way loses only its open transaction, so rerunning it gives the same tables;
rows queued by transactions that commit late stay in the queue for the next batch (the
queue is drained by id, never skipped past with a watermark).

Full (``rebuild``): empty the tables and fill them with set-based INSERT … SELECT, the
same queries without the cell filter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import reduce
from operator import or_
from zoneinfo import ZoneInfo

from django.db import connection, models, transaction
from django.db.models import BooleanField, Case, CharField, Count, F, Q, Value, When
from django.db.models.functions import Cast, Coalesce, TruncDate

from zhengfa.flow.models import Matter, MatterStatus
from zhengfa.insight.measures import DAILY_MEASURES
from zhengfa.insight.models import DailyCount, MatterChange, MatterFact, OpenCount

LEGAL_ZONE = ZoneInfo("Asia/Shanghai")  # legal dates are Beijing dates
CELL = ("region_code", "grid_id", "unit_id", "kind", "category")
Partition = tuple[str, int | None, int, str, str]
Progress = Callable[[int], object]
ADVISORY_LOCK = 0x7A66_1E5  # one refresher at a time (PostgreSQL)


@dataclass(frozen=True)
class RefreshResult:
    changes: int
    matters: int
    cells: int


def _legal_day(field: str) -> TruncDate:
    return TruncDate(field, tzinfo=LEGAL_ZONE)


def _category() -> Coalesce:
    """Division for court cases, category for disputes, crime type for criminal cases."""
    return Coalesce(
        Cast("courtcase__division_id", CharField()),
        Cast("dispute__category_id", CharField()),
        "criminalcase__crime_type",
        Value(""),
        output_field=CharField(),
    )


def _closed_in_limit() -> Case:
    return Case(
        When(Q(closed_at__isnull=True) | Q(due_at__isnull=True), then=Value(None)),
        When(closed_at__lte=F("due_at"), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


def _mediation_success() -> Case:
    return Case(
        When(Q(dispute__outcome__isnull=True) | Q(dispute__outcome=""), then=Value(None)),
        When(dispute__outcome="agreement", then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


def _mediated_on() -> Case:
    decided = Q(dispute__outcome__isnull=False) & ~Q(dispute__outcome="")
    return Case(When(decided, then=_legal_day("dispute__outcome_at")), default=Value(None))


def _service_done_on() -> Case:
    judged = Q(application__within_limit__isnull=False)
    return Case(When(judged, then=_legal_day("application__done_at")), default=Value(None))


# MatterFact column -> expression over Matter (order = the INSERT's column order)
FACT_COLUMNS: dict[str, Callable[[], object]] = {
    "matter_id": lambda: F("id"),
    "region_code": lambda: F("region_id"),
    "grid_id": lambda: F("grid_id"),
    "unit_id": lambda: F("unit_id"),
    "kind": lambda: F("kind"),
    "category": _category,
    "is_open": lambda: Case(
        When(status=MatterStatus.OPEN, then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    ),
    "paused": lambda: F("paused"),
    "due_on": lambda: F("due_on"),
    "opened_on": lambda: _legal_day("opened_at"),
    "closed_on": lambda: _legal_day("closed_at"),
    "closed_in_limit": _closed_in_limit,
    "mediated_on": _mediated_on,
    "mediation_success": _mediation_success,
    "service_done_on": _service_done_on,
    "service_within": lambda: F("application__within_limit"),
    "crime_registered_on": lambda: F("criminalcase__registered_on"),
    "crime_major": lambda: F("criminalcase__major"),
    "crime_solved_on": lambda: F("criminalcase__solved_on"),
}


def fact_source(matters: models.QuerySet[Matter]) -> models.QuerySet[Matter]:
    """The facts of these matters, one row each, columns in ``FACT_COLUMNS`` order."""
    aliases = {f"f_{name}": make() for name, make in FACT_COLUMNS.items()}
    return matters.order_by().annotate(**aliases).values(*aliases)  # type: ignore[arg-type]


def _insert_select(model: type[models.Model], columns: Iterable[str], source: object) -> None:
    sql, params = source.query.sql_with_params()  # type: ignore[attr-defined]
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({names}) {sql}", params)  # noqa: S608 (names are ours)


def _daily_source(facts: models.QuerySet[MatterFact], measure: str) -> models.QuerySet[MatterFact]:
    spec = DAILY_MEASURES[measure]
    return (
        facts.filter(spec.condition)
        .order_by()
        .annotate(
            **{f"c_{name}": F(name) for name in CELL},
            c_measure=Value(measure, output_field=CharField()),
            c_day=F(spec.day),
        )
        .values(*(f"c_{name}" for name in CELL), "c_measure", "c_day")
        .annotate(c_n=Count("*"))
    )


def _open_source(facts: models.QuerySet[MatterFact]) -> models.QuerySet[MatterFact]:
    return (
        facts.filter(is_open=True)
        .order_by()
        .annotate(
            **{f"c_{name}": F(name) for name in CELL},
            c_due_on=F("due_on"),
            c_paused=F("paused"),
        )
        .values(*(f"c_{name}" for name in CELL), "c_due_on", "c_paused")
        .annotate(c_n=Count("*"))
    )


def _count_cells(facts: models.QuerySet[MatterFact]) -> None:
    for measure in DAILY_MEASURES:
        _insert_select(DailyCount, (*CELL, "measure", "day", "n"), _daily_source(facts, measure))
    _insert_select(OpenCount, (*CELL, "due_on", "paused", "n"), _open_source(facts))


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK])


def _partition_filter(partitions: set[Partition]) -> Q:
    def one(key: Partition) -> Q:
        region_code, grid_id, unit_id, kind, category = key
        grid = Q(grid_id__isnull=True) if grid_id is None else Q(grid_id=grid_id)
        return grid & Q(region_code=region_code, unit_id=unit_id, kind=kind, category=category)

    return reduce(or_, (one(key) for key in partitions))


def _partitions_of(matter_ids: set[int]) -> set[Partition]:
    rows = MatterFact.objects.filter(matter_id__in=matter_ids).values_list(*CELL).distinct()
    return set(rows)


def refresh_batch(*, limit: int = 500) -> RefreshResult:
    """Apply up to ``limit`` queued changes; one transaction."""
    with transaction.atomic():
        _lock()
        changes = list(MatterChange.objects.order_by("id").values_list("id", "matter_id")[:limit])
        if not changes:
            return RefreshResult(0, 0, 0)
        matter_ids = {matter_id for _, matter_id in changes}
        touched = _partitions_of(matter_ids)
        MatterFact.objects.filter(matter_id__in=matter_ids).delete()
        _insert_select(
            MatterFact, FACT_COLUMNS, fact_source(Matter.objects.filter(pk__in=matter_ids))
        )
        touched |= _partitions_of(matter_ids)
        _recount(touched)
        MatterChange.objects.filter(id__in=[change_id for change_id, _ in changes]).delete()
        return RefreshResult(len(changes), len(matter_ids), len(touched))


def _recount(partitions: set[Partition]) -> None:
    if not partitions:
        return
    where = _partition_filter(partitions)
    DailyCount.objects.filter(where).delete()
    OpenCount.objects.filter(where).delete()
    _count_cells(MatterFact.objects.filter(where))


def pending() -> int:
    return MatterChange.objects.count()


def refresh(*, limit: int = 500, progress: Progress | None = None) -> RefreshResult:
    """Drain the change queue batch by batch (each batch commits on its own)."""
    changes = matters = cells = 0
    while True:
        done = refresh_batch(limit=limit)
        changes, matters, cells = changes + done.changes, matters + done.matters, cells + done.cells
        if progress is not None:
            progress(done.changes)
        if done.changes < limit:
            return RefreshResult(changes, matters, cells)


REBUILD_STEPS = 4


def rebuild(*, progress: Progress | None = None) -> RefreshResult:
    """Empty the count tables and fill them from every matter, in one transaction."""
    step = progress or (lambda _n: None)
    with transaction.atomic():
        _lock()
        last = MatterChange.objects.order_by("-id").values_list("id", flat=True).first() or 0
        for model in (DailyCount, OpenCount, MatterFact):
            model.objects.all().delete()
        step(1)
        _insert_select(MatterFact, FACT_COLUMNS, fact_source(Matter.objects.all()))
        step(1)
        _count_cells(MatterFact.objects.all())
        step(1)
        MatterChange.objects.filter(id__lte=last).delete()
        step(1)
        return RefreshResult(last, MatterFact.objects.count(), DailyCount.objects.count())
