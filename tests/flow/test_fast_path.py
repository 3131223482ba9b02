"""The transition fast path (plain SQL, docs/flow.md): same rows as the ORM would write,
the same scope as ``Matter.objects.for_user``, nothing written when it refuses."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import EmptyResultSet, PermissionDenied
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, transaction
from django.db.models import Model
from django.utils import timezone

from tests.flow.conftest import World, open_case
from zhengfa.audit.models import AuditEntry
from zhengfa.audit.verify import verify_log
from zhengfa.flow import sql
from zhengfa.flow.common import Conflict
from zhengfa.flow.models import (
    Clock,
    ClockEvent,
    ClockEventKind,
    ClockState,
    Holding,
    Matter,
    MatterEvent,
)
from zhengfa.flow.services.matters import matter_move
from zhengfa.org.models import User
from zhengfa.org.roles import Role
from zhengfa.police.models import Roster


def _writes() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in (ClockEvent, MatterEvent, AuditEntry, Clock))


def _selects_what_for_user_selects(model: type[Model], users: list[User]) -> None:
    table = model._meta.db_table
    for user in users:
        for action in ("view", "change"):
            expected = set(model.objects.for_user(user, action).values_list("pk", flat=True))  # type: ignore[attr-defined]
            try:
                condition, params = sql.scope_condition(model, user, action)
            except EmptyResultSet:
                assert expected == set(), (user, action)
                continue
            query = f"SELECT id FROM {table} WHERE " + (condition or "1 = 1")  # noqa: S608
            with connection.cursor() as cursor:
                cursor.execute(query, params)
                found = {row[0] for row in cursor.fetchall()}
            assert found == expected, (user.username, action)


def _people(world: World) -> list[User]:
    citizen = User.objects.create(username="citizen", role=Role.CITIZEN)
    return [p for p in (*vars(world).values(), citizen) if isinstance(p, User)]


def test_compiled_scope_selects_exactly_what_for_user_selects(world: World) -> None:
    mine = open_case(world)
    other = open_case(world, title="另案")
    Matter.objects.filter(pk=other.pk).update(region_id="230403", unit=world.other_court)
    _selects_what_for_user_selects(Matter, _people(world))
    assert {mine.pk, other.pk} >= set(Matter.objects.values_list("pk", flat=True))


def test_a_scope_through_another_table_becomes_a_subquery_on_the_own_table(world: World) -> None:
    # A roster's region is its station's (a join): the condition must still name only the
    # roster table, so that an UPDATE can carry it.
    for station in (world.court, world.other_court):
        Roster.objects.create(
            station=station,
            starts_on=date(2026, 3, 2),
            created_by=world.registrar,
            created_at=timezone.now(),
            expected_coverage=0.9,
            solver_status="OPTIMAL",
            solve_seconds=1.0,
        )
    condition, _params = sql.scope_condition(Roster, world.commission, "view")
    assert condition.startswith('"id" IN (SELECT')
    _selects_what_for_user_selects(Roster, _people(world))


def test_a_move_writes_the_rows_the_orm_reads_back_exactly(world: World) -> None:
    matter = open_case(world)
    matter_move(
        actor=world.registrar, matter=matter, to_stage="serve", version=1, on=date(2026, 3, 3)
    )
    serve = Clock.objects.get(matter=matter, purpose="stage:serve")
    assert (serve.state, serve.holder_id, serve.started_on) == (
        ClockState.RUNNING,
        world.judge.pk,
        date(2026, 3, 3),
    )
    assert serve.next_alert_at is not None and serve.next_alert_at.tzinfo is not None
    start = serve.events.get()
    assert (start.kind, start.actor_id, start.due_before) == (
        ClockEventKind.START,
        world.registrar.pk,
        None,
    )
    matter_move(actor=world.judge, matter=matter, to_stage="trial", version=2)
    matter_move(actor=world.judge, matter=matter, to_stage="closed", version=3)
    stored = Matter.objects.get(pk=matter.pk)
    assert (stored.stage, stored.version, stored.due_on, stored.due_at) == ("closed", 4, None, None)
    # The closing instant, the holdings' end and the timeline entry are one instant, and
    # it survives the round trip to the microsecond.
    closing = MatterEvent.objects.filter(matter=matter).last()
    assert closing is not None and closing.to_stage == "closed"
    assert stored.closed_at == closing.at == Holding.objects.get(matter=matter).until
    stops = ClockEvent.objects.filter(clock__matter=matter, kind=ClockEventKind.STOP)
    assert stops.count() == 2
    for stop in stops:
        assert stop.due_before == stop.due_after == stop.clock.due_on
        assert stop.clock.stopped_at == stop.recorded_at
    moves = AuditEntry.objects.filter(action="flow.matter.move", subject_id=str(matter.pk))
    assert [m.new["stage"] for m in moves] == ["serve", "trial", "closed"]
    assert moves.last().new["clocks_stopped"] == [  # type: ignore[union-attr]
        Clock.objects.get(matter=matter, purpose="overall").pk
    ]
    assert verify_log().intact


def test_a_stale_or_out_of_scope_move_writes_nothing(world: World) -> None:
    matter = open_case(world)
    before = _writes()
    with pytest.raises(Conflict) as stale:
        matter_move(actor=world.registrar, matter=matter, to_stage="serve", version=7)
    assert stale.value.current == 1
    with pytest.raises(PermissionDenied):  # a judge, but of another court
        matter_move(actor=world.outsider, matter=Matter.objects.get(pk=matter.pk),
                    to_stage="serve", version=1)  # fmt: skip
    assert _writes() == before
    assert Matter.objects.get(pk=matter.pk).stage == "filed"


def test_the_kept_cursor_is_rebuilt_for_a_new_connection(world: World) -> None:
    first = sql.statement_cursor()
    assert sql.statement_cursor() is first
    # As after a reconnection: the kept cursor belongs to a DB-API connection that is gone
    # (the in-memory test database cannot really be closed and reopened).
    connections[DEFAULT_DB_ALIAS].__dict__["_zf_statement_cursor"] = (object(), first)
    again = sql.statement_cursor()
    assert again is not first
    again.execute("SELECT COUNT(*) FROM flow_matter")
    assert again.fetchone() == (0,)


def test_the_kept_cursor_raises_djangos_errors_and_converts_like_django(world: World) -> None:
    cursor = sql.statement_cursor()
    if connection.vendor == "sqlite":
        assert isinstance(cursor, sql.NativeCursor)
    cursor.execute("SELECT %s || '%%'", ["50"])
    assert cursor.fetchone() == ("50%",)
    matter = open_case(world)
    # Django's class, as through Django's cursor (a savepoint: PostgreSQL aborts the block).
    with pytest.raises(IntegrityError), transaction.atomic():
        cursor.execute(
            "INSERT INTO flow_matter (id) SELECT id FROM flow_matter WHERE id = %s", [matter.pk]
        )
