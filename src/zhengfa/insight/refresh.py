"""Filling the count tables: incrementally from the change queue, or rebuilt in full.

Incremental (``refresh``): take a batch of queued matter ids, re-project those matters
into ``MatterFact`` from the source rows, and move the event counts by the difference
between their new and old facts (so a batch costs what its matters cost, not what the
cells and areas they touch hold; it relies on the tables being the counts of the facts,
which every batch and rebuild keep); recount the open matters of every cell they were or
now are in from the facts (those counts depend on the day); then drop the batch from the
queue — all in one transaction. A refresher killed mid-way loses only its open
transaction, so rerunning it gives the same tables; rows queued by transactions that
commit late stay in the queue for the next batch (the queue is drained by id, never
skipped past with a watermark).

Full (``rebuild``): empty the tables and fill them with set-based INSERT … SELECT, the
same queries without the cell filter.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection, models, transaction
from django.db.models import BooleanField, Case, CharField, Count, DateField, F, Q, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce, TruncDate, TruncMonth
from django.utils import timezone

from zhengfa.clock.clock import SHANGHAI
from zhengfa.flow.models import Matter, MatterStatus
from zhengfa.insight.measures import DAILY_MEASURES, limit_at
from zhengfa.insight.models import (
    AreaCount,
    DailyCount,
    MatterChange,
    MatterFact,
    MonthlyCount,
    OpenCount,
    RefreshState,
)

CELL = ("region_code", "grid_id", "unit_id", "kind", "category")
AREA = ("region_code", "unit_id", "kind", "category")
Partition = tuple[str, int | None, int, str, str]
Progress = Callable[[int], object]
ADVISORY_LOCK = 0x7A66_1E5  # one refresher at a time (PostgreSQL)


@dataclass(frozen=True)
class RefreshResult:
    changes: int
    matters: int
    cells: int


def _legal_day(field: str) -> TruncDate:
    return TruncDate(field, tzinfo=SHANGHAI)


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
    """Closed at or before its limit (``measures.limit_at``, aliased by ``fact_source``)."""
    return Case(
        When(Q(closed_at__isnull=True) | Q(limit_at__isnull=True), then=Value(None)),
        When(closed_at__lte=F("limit_at"), then=Value(True)),
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
    limited = matters.order_by().alias(limit_at=limit_at())
    return limited.annotate(**aliases).values(*aliases)  # type: ignore[arg-type]


def _insert_select(model: type[models.Model], columns: Iterable[str], source: object) -> None:
    sql, params = source.query.sql_with_params()  # type: ignore[attr-defined]
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({names}) {sql}", params)  # noqa: S608 (names are ours)


def _event_source(
    facts: models.QuerySet[Any], measure: str, keys: tuple[str, ...], month: bool
) -> models.QuerySet[MatterFact]:
    """Events of one measure grouped by ``keys`` and the day (or its month); area rows
    (``keys`` without the grid) also name their span."""
    spec = DAILY_MEASURES[measure]
    when = TruncMonth(spec.day, output_field=DateField()) if month else F(spec.day)
    constants = {"c_measure": Value(measure, output_field=CharField())}
    if keys == AREA:
        constants["c_span"] = Value("m" if month else "d", output_field=CharField())
    return (
        facts.filter(spec.condition)
        .order_by()
        .annotate(**{f"c_{name}": F(name) for name in keys}, **constants, c_when=when)
        .values(*(f"c_{name}" for name in keys), *constants, "c_when")
        .annotate(c_n=Count("*"))
        # Inserted in the order the reads take them (a measure, then its days): a
        # dashboard's day range then sits in a few hundred pages instead of being spread
        # over the whole table (this order, made by CLUSTER on the PostgreSQL 10 M bench:
        # 13,471 pages read → 585, 322 → 67 ms; bench/README.md, "Insight dashboards").
        .order_by("c_when")
    )


def _open_source(facts: models.QuerySet[Any], today: date) -> models.QuerySet[MatterFact]:
    overdue = Q(paused=False, due_on__lt=today)
    return (
        facts.filter(is_open=True)
        .order_by()
        .annotate(**{f"c_{name}": F(name) for name in CELL})
        .values(*(f"c_{name}" for name in CELL))
        .annotate(
            c_n=Count("*"),
            c_paused=Count("matter_id", filter=Q(paused=True)),
            c_overdue=Count("matter_id", filter=overdue),
        )
    )


# The columns naming a row of each event table, in the order ``_event_source`` selects them
EVENT_KEYS: dict[type[models.Model], tuple[str, ...]] = {
    DailyCount: (*CELL, "measure", "day"),
    MonthlyCount: (*CELL, "measure", "month"),
    AreaCount: (*AREA, "measure", "span", "start"),
}
# (table, keys, by month): AreaCount holds both spans
EVENT_SOURCES = (
    (DailyCount, CELL, False),
    (MonthlyCount, CELL, True),
    (AreaCount, AREA, False),
    (AreaCount, AREA, True),
)
OPEN_COLUMNS = (*CELL, "n", "paused", "overdue")


def _count_events(facts: models.QuerySet[Any]) -> None:
    for model, keys, month in EVENT_SOURCES:
        for measure in DAILY_MEASURES:
            source = _event_source(facts, measure, keys, month)
            _insert_select(model, (*EVENT_KEYS[model], "n"), source)


def _count_open(facts: models.QuerySet[Any], today: date) -> None:
    _insert_select(OpenCount, OPEN_COLUMNS, _open_source(facts, today))


def _analyze(*tables: type[models.Model]) -> None:
    """Fresh planner statistics for tables just filled (PostgreSQL): until autovacuum gets
    to them the planner takes them for empty, and picks plans for empty tables."""
    if connection.vendor != "postgresql":
        return
    names = ", ".join(connection.ops.quote_name(t._meta.db_table) for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {names}")


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK])


def _key_filter(keys: set[tuple[Any, ...]], names: tuple[str, ...]) -> RawSQL:
    """Rows whose ``names`` equal one of ``keys``, as row-value ``IN`` lists.

    A Q tree of one AND per key costs Django ~10 ms of compiling per hundred keys, every
    time it is applied (the profile of a 500-change batch on SQLite: 4 of its 10 s); this
    is one string. Keys without a grid (court cases) get their own list under
    ``grid_id IS NULL``, so the cell index stays usable (no COALESCE over the column)."""
    parts: list[str] = []
    params: list[Any] = []
    gridless = "grid_id" in names  # CELL keys: (region, grid, unit, kind, category)
    without_grid = [key for key in keys if gridless and key[1] is None]
    with_grid = [key for key in keys if not (gridless and key[1] is None)]
    for group, null_grid in ((with_grid, False), (without_grid, True)):
        if not group:
            continue
        kept = [i for i, name in enumerate(names) if not (null_grid and name == "grid_id")]
        columns = ", ".join(connection.ops.quote_name(names[i]) for i in kept)
        row = "(" + ", ".join(["%s"] * len(kept)) + ")"
        test = f"({columns}) IN ({', '.join([row] * len(group))})"
        parts.append(
            f"({connection.ops.quote_name('grid_id')} IS NULL AND {test})" if null_grid else test
        )
        params += [key[i] for key in group for i in kept]
    sql = " OR ".join(parts)  # column names and placeholders only
    return RawSQL(f"({sql})", params, output_field=BooleanField())  # noqa: S611


def _partitions_of(matter_ids: set[int]) -> set[Partition]:
    rows = MatterFact.objects.filter(matter_id__in=matter_ids).values_list(*CELL).distinct()
    return set(rows)


def refresh_batch(*, limit: int = 500, today: date | None = None) -> RefreshResult:
    """Apply up to ``limit`` queued changes; one transaction."""
    with transaction.atomic():
        _lock()
        changes = list(MatterChange.objects.order_by("id").values_list("id", "matter_id")[:limit])
        if not changes:
            return RefreshResult(0, 0, 0)
        matter_ids = {matter_id for _, matter_id in changes}
        facts = MatterFact.objects.filter(matter_id__in=matter_ids)
        touched = _partitions_of(matter_ids)
        counted_before = _events_of(facts)
        facts.delete()
        _insert_select(
            MatterFact, FACT_COLUMNS, fact_source(Matter.objects.filter(pk__in=matter_ids))
        )
        touched |= _partitions_of(matter_ids)
        _move_event_counts(counted_before, _events_of(facts))
        _recount_open(touched, today or _as_of())
        MatterChange.objects.filter(id__in=[change_id for change_id, _ in changes]).delete()
        return RefreshResult(len(changes), len(matter_ids), len(touched))


EventCounts = dict[type[models.Model], Counter[tuple[Any, ...]]]
KEYS_PER_STATEMENT = 1000  # x 7 columns: under SQLite's 32,766 bound parameters


def _events_of(facts: models.QuerySet[MatterFact]) -> EventCounts:
    """What these facts add to each event table, by row key: the day rows counted in SQL
    (a dozen small queries), their month and area rows derived from them here."""
    counts: EventCounts = {model: Counter() for model in EVENT_KEYS}
    for measure in DAILY_MEASURES:
        for row in _event_source(facts, measure, CELL, month=False):
            region, grid, unit, kind, category, _, day, n = row.values()  # type: ignore[attr-defined]
            month = day.replace(day=1)
            counts[DailyCount][(region, grid, unit, kind, category, measure, day)] += n
            counts[MonthlyCount][(region, grid, unit, kind, category, measure, month)] += n
            counts[AreaCount][(region, unit, kind, category, measure, "d", day)] += n
            counts[AreaCount][(region, unit, kind, category, measure, "m", month)] += n
    return counts


def _move_event_counts(before: EventCounts, after: EventCounts) -> None:
    """Bring each event row from what the old facts gave to what the new ones give."""
    for model, columns in EVENT_KEYS.items():
        delta = after[model].copy()
        delta.subtract(before[model])
        moved = [key for key, n in delta.items() if n]
        for start in range(0, len(moved), KEYS_PER_STATEMENT):
            keys = moved[start : start + KEYS_PER_STATEMENT]
            _move_rows(model, columns, {key: delta[key] for key in keys})


def _move_rows(
    model: type[models.Model], columns: Sequence[str], delta: dict[tuple[Any, ...], int]
) -> None:
    """Add ``delta`` to the rows of these keys: rewrite them, and drop those left at 0."""
    rows = model.objects.filter(_key_filter(set(delta), tuple(columns)))  # type: ignore[attr-defined]
    counted = {tuple(key): (pk, n) for pk, *key, n in rows.values_list("pk", *columns, "n")}
    for start in range(0, len(counted), DELETE_CHUNK):
        ids = [pk for pk, _ in list(counted.values())[start : start + DELETE_CHUNK]]
        model.objects.filter(pk__in=ids).delete()  # type: ignore[attr-defined]
    totals = {key: counted.get(key, (None, 0))[1] + change for key, change in delta.items()}
    model.objects.bulk_create(  # type: ignore[attr-defined]
        [model(**dict(zip(columns, key, strict=True)), n=n) for key, n in totals.items() if n]
    )


def _recount_open(partitions: set[Partition], today: date) -> None:
    if not partitions:
        return
    where = _key_filter(set(partitions), CELL)
    OpenCount.objects.filter(where).delete()
    _count_open(MatterFact.objects.filter(where), today)


def _as_of() -> date:
    state = RefreshState.objects.filter(key="counts").values_list("as_of", flat=True).first()
    return state or timezone.localdate()


def advance_day(today: date) -> int:
    """Queue the open matters whose due date passed since the counts' day; move the day."""
    with transaction.atomic():
        _lock()
        state = RefreshState.objects.select_for_update().filter(key="counts").first()
        if state is None or state.as_of == today:
            RefreshState.objects.update_or_create(key="counts", defaults={"as_of": today})
            return 0
        low, high = sorted((state.as_of, today))
        crossed = MatterFact.objects.filter(is_open=True, due_on__gte=low, due_on__lt=high)
        queued = crossed.count()
        _insert_select(MatterChange, ("matter_id",), crossed.values("matter_id"))
        state.as_of = today
        state.save(update_fields=["as_of"])
        return queued


def pending() -> int:
    return MatterChange.objects.count()


def refresh(
    *,
    limit: int = 500,
    max_batches: int | None = None,
    progress: Progress | None = None,
    today: date | None = None,
) -> RefreshResult:
    """Count "overdue" for ``today`` (default: the legal date now) and drain the change
    queue batch by batch (each batch commits on its own) — all of it, or at most
    ``max_batches`` batches, leaving the rest queued for the next call."""
    today = today or timezone.localdate()
    advance_day(today)
    changes = matters = cells = batches = 0
    while max_batches is None or batches < max_batches:
        done = refresh_batch(limit=limit, today=today)
        changes, matters, cells = changes + done.changes, matters + done.matters, cells + done.cells
        batches += 1
        if progress is not None:
            progress(done.changes)
        if done.changes < limit:
            break
    return RefreshResult(changes, matters, cells)


REBUILD_STEPS = 4
DELETE_CHUNK = 900  # ids per DELETE … IN (…): under SQLite's 999 bound parameters


def rebuild(*, progress: Progress | None = None, today: date | None = None) -> RefreshResult:
    """Empty the count tables and fill them from every matter, in one transaction."""
    step = progress or (lambda _n: None)
    today = today or timezone.localdate()
    with transaction.atomic():
        _lock()
        # The queue rows visible now are the ones this rebuild answers for. Not "every id
        # up to the highest": a transaction that drew a lower id may commit during the
        # rebuild, after its matter was read, and its row must stay for the next refresh.
        queued = list(MatterChange.objects.values_list("id", flat=True))
        for model in (DailyCount, MonthlyCount, AreaCount, OpenCount, MatterFact):
            model.objects.all().delete()
        step(1)
        _insert_select(MatterFact, FACT_COLUMNS, fact_source(Matter.objects.all()))
        step(1)
        _count_events(MatterFact.objects.all())
        _count_open(MatterFact.objects.all(), today)
        RefreshState.objects.update_or_create(key="counts", defaults={"as_of": today})
        _analyze(DailyCount, MonthlyCount, AreaCount, OpenCount, MatterFact)
        step(1)
        for start in range(0, len(queued), DELETE_CHUNK):
            MatterChange.objects.filter(id__in=queued[start : start + DELETE_CHUNK]).delete()
        step(1)
        return RefreshResult(len(queued), MatterFact.objects.count(), DailyCount.objects.count())
