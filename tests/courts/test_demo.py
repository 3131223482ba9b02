"""The courts' demo history (a small volume): numbers without gaps, appeals linked to their
first instance, clocks equal to their replay (checked by the ``courts`` fixture after the
test), and the president's figures equal to a count made directly in SQL."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.db import connection

from tests.courts.test_workflow import at
from tests.courts.world import Courts
from zhengfa.courts import reports
from zhengfa.courts.demo import build_demo_courts
from zhengfa.courts.models import CourtCase, SequenceCounter
from zhengfa.flow.models import ClockEvent, ClockEventKind

TODAY = date(2026, 11, 27)


class Silent:
    def stage(self, label: str, total: int) -> None:
        return None

    def advance(self, amount: int = 1) -> None:
        return None


def sql_figures(court_id: int, start: date, end: date, as_of: date) -> tuple[int, ...]:
    """Registered, closed, closed within the limit, open and overdue — straight from the
    tables (the latest overall clock of each case is its limit)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT COUNT(*),
                   SUM(CASE WHEN c.judged_on IS NOT NULL THEN 1 ELSE 0 END),
                   SUM(CASE WHEN c.judged_on IS NOT NULL AND c.judged_on <= k.due_on
                            THEN 1 ELSE 0 END),
                   SUM(CASE WHEN c.judged_on IS NULL AND k.due_on < %s THEN 1 ELSE 0 END)
            FROM courts_courtcase c
            JOIN flow_matter m ON m.id = c.matter_id
            JOIN flow_clock k ON k.id = (SELECT MAX(id) FROM flow_clock
                                         WHERE matter_id = c.matter_id AND purpose = 'overall')
            WHERE m.unit_id = %s AND c.filed_on BETWEEN %s AND %s
            """,
            [as_of, court_id, start, end],
        )
        row = cursor.fetchone()
    return tuple(int(v or 0) for v in row)


@pytest.mark.django_db
def test_the_demo_history_matches_sql_and_the_legal_clock(courts: Courts) -> None:
    with time_machine.travel(at(TODAY), tick=False):
        counts = build_demo_courts(3, Silent(), cases_a_year=150)
    cases = CourtCase.objects.all()
    assert counts["court_cases"] == cases.count() > 600
    assert counts["court_appeals"] == cases.filter(original__isnull=False).count() > 0
    assert cases.filter(original__isnull=False, type_code="民终", court_code="黑04").exists()
    assert cases.filter(filed_on__year=2024).exists() and cases.filter(filed_on__year=2026).exists()
    for counter in SequenceCounter.objects.all():  # numbers run without gaps
        numbers = cases.filter(
            court_code=counter.court_code, year=counter.year, type_code=counter.type_code
        ).values_list("sequence", flat=True)
        assert sorted(numbers) == list(range(1, counter.last + 1))
    assert ClockEvent.objects.filter(kind=ClockEventKind.EXTEND).exists()
    assert cases.filter(matter__enterprise_related=True).exists()
    for year in (2024, 2025, 2026):
        start, end = date(year, 1, 1), date(year, 12, 31)
        figures = reports.supervision(courts.president, start, end, TODAY)
        total = figures.total
        assert (
            total.registered,
            total.closed,
            total.closed_in_time,
            total.open_overdue,
        ) == sql_figures(courts.court.pk, start, end, TODAY)
        assert total.closed_in_time < total.closed  # some closed late
        assert sum(r.registered for r in figures.by_judge) == total.registered
    assert reports.supervision(courts.president, date(2024, 1, 1), TODAY, TODAY).total.open_overdue
    outsider = reports.supervision(courts.outsider, date(2024, 1, 1), TODAY, TODAY)
    assert outsider.total.registered == cases.filter(matter__unit=courts.away).count()
    assert reports.late_transfers(courts.president, TODAY)
