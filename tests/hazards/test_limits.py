"""The rectification limit by severity, and "隐患不过夜": a major hazard's clock ends the
day it is found, at the configured cut-off."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from tests.hazards.conftest import SH
from zhengfa.clock import Clock, Period
from zhengfa.clock import Unit as PeriodUnit
from zhengfa.hazards.limits import rectification_deadline
from zhengfa.hazards.models import RectificationLimit

pytestmark = pytest.mark.django_db


def _due(found: datetime, severity: str) -> datetime:
    amount, unit = rectification_deadline(severity, found).period
    start = found if unit == PeriodUnit.MINUTES else found.date()
    return Clock.for_periods(start, Period(amount, PeriodUnit(unit))).due_at


@pytest.mark.parametrize(
    ("found", "due"),
    [
        (datetime(2026, 11, 10, 14, 3, 20, tzinfo=SH), datetime(2026, 11, 10, 23, 59, tzinfo=SH)),
        (datetime(2026, 11, 10, 0, 0, 0, tzinfo=SH), datetime(2026, 11, 10, 23, 59, tzinfo=SH)),
        (datetime(2026, 11, 10, 22, 57, 0, tzinfo=SH), datetime(2026, 11, 10, 23, 59, tzinfo=SH)),
    ],
)
def test_a_major_hazard_is_due_by_2359_the_same_day(found: datetime, due: datetime) -> None:
    assert _due(found, "major") == due


def test_an_evening_cut_off_is_configurable() -> None:
    RectificationLimit.objects.filter(severity="major").update(cutoff=time(20, 0))
    found = datetime(2026, 11, 10, 9, 15, 42, tzinfo=SH)
    assert _due(found, "major") == datetime(2026, 11, 10, 20, 0, tzinfo=SH)


def test_after_the_cut_off_the_end_of_the_day_still_holds() -> None:
    RectificationLimit.objects.filter(severity="major").update(cutoff=time(20, 0))
    found = datetime(2026, 11, 10, 20, 30, tzinfo=SH)
    assert _due(found, "major") == datetime(2026, 11, 10, 23, 59, tzinfo=SH)


def test_a_whole_hour_would_start_at_the_next_hour_so_a_minute_less_is_taken() -> None:
    # 60 minutes from 22:58 is an hour period beginning at 23:00, ending after midnight.
    found = datetime(2026, 11, 10, 22, 58, 0, tzinfo=SH)
    assert _due(found, "major") == datetime(2026, 11, 10, 23, 58, tzinfo=SH)


def test_late_at_night_a_major_hazard_still_gets_an_hour() -> None:
    found = datetime(2026, 11, 10, 23, 30, 5, tzinfo=SH)
    due = _due(found, "major")
    assert timedelta(minutes=59) <= due - found <= timedelta(hours=1)


def test_other_severities_run_days_from_the_table() -> None:
    found = datetime(2026, 11, 10, 14, 0, tzinfo=SH)
    assert _due(found, "serious") == datetime(2026, 11, 13, 23, 59, 59, tzinfo=SH)
    assert _due(found, "general") == datetime(2026, 11, 17, 23, 59, 59, tzinfo=SH)
    RectificationLimit.objects.filter(severity="general").update(amount=5, unit="workdays")
    assert _due(found, "general") == datetime(2026, 11, 17, 23, 59, 59, tzinfo=SH)


def test_an_unknown_severity_names_the_accepted_ones() -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        rectification_deadline("apocalyptic", datetime(2026, 11, 10, tzinfo=SH))
    assert "general, serious, major" in str(caught.value.message_dict["severity"])


def test_a_same_day_limit_without_cut_off_is_refused_by_the_admin_form() -> None:
    from django.core.exceptions import ValidationError

    limit = RectificationLimit(severity="major", same_day=True, legal_basis="x")
    with pytest.raises(ValidationError, match="cut-off"):
        limit.clean()
