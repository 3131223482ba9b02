"""Weekly reports by e-mail: one per subscriber and week whatever runs twice, figures from
the subscriber's own scope only, HTML + text in the chosen language, optional CSV/XLSX."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.test import Client
from openpyxl import load_workbook

from tests.insight.test_alerts import NOW, SH, TESTED, plant_history
from tests.org.mini_city import COUNTY_A, COUNTY_B, MiniCity
from zhengfa.flow.models import Matter, MatterStatus
from zhengfa.insight.alerts import services
from zhengfa.insight.alerts.models import ReportDelivery, ReportSubscription, TrendAlert
from zhengfa.org.roles import Role


@pytest.fixture
def subscribed(mini_city: MiniCity) -> MiniCity:
    """County A has a planted rise and two open matters (one overdue); county B one open
    matter; the commission of each county subscribes."""
    grids = [mini_city.grids[COUNTY_A][0], mini_city.grids[COUNTY_B][0]]
    plant_history(
        grids, mini_city.courts[COUNTY_A], seed=11, rises={(grids[0].code, "dispute"): 30}
    )
    due = NOW - timedelta(days=1)
    for grid, late in ((grids[0], True), (grids[0], False), (grids[1], False)):
        Matter.objects.create(
            kind="dispute",
            title="open",
            region_id=grid.region_id,
            grid=grid,
            unit=mini_city.courts[COUNTY_A],
            stage="reported",
            status=MatterStatus.OPEN,
            opened_at=NOW - timedelta(days=30),
            due_at=due if late else due + timedelta(days=30),
            due_on=(due if late else due + timedelta(days=30)).date(),
        )
    with time_machine.travel(NOW, tick=False):
        services.detection_run(week=TESTED)
        services.subscription_save(
            actor=mini_city.users[Role.COMMISSION], email="a@example.org", language="zh-hans"
        )
        services.subscription_save(
            actor=mini_city.outsiders[Role.COMMISSION],
            email="b@example.org",
            language="en",
            attachment="csv",
        )
    return mini_city


def _by_recipient() -> dict[str, mail.EmailMultiAlternatives]:
    return {m.to[0]: m for m in mail.outbox}  # type: ignore[misc]


@time_machine.travel(NOW, tick=False)
def test_one_email_per_subscriber_and_week_even_when_sent_twice(subscribed: MiniCity) -> None:
    first, _ = services.weekly_reports_send(week=TESTED)
    second, _ = services.weekly_reports_send(week=TESTED)
    call_command("insight", "send-reports", "--week", "2026-W14")
    assert (first.sent, second.sent) == (2, 0)
    assert len(mail.outbox) == 2 and ReportDelivery.objects.count() == 2
    subscription = ReportSubscription.objects.get(email="a@example.org")
    with pytest.raises(IntegrityError), transaction.atomic():  # the database refuses a second
        ReportDelivery.objects.create(
            subscription=subscription, week=TESTED, sent_at=NOW, recipient="a@example.org"
        )


@time_machine.travel(NOW, tick=False)
def test_each_subscriber_gets_the_figures_of_their_own_area(subscribed: MiniCity) -> None:
    services.weekly_reports_send(week=TESTED)
    mine, theirs = _by_recipient()["a@example.org"], _by_recipient()["b@example.org"]
    county_a_alerts = TrendAlert.objects.filter(region_code__startswith=COUNTY_A).count()
    assert county_a_alerts >= 1 and not TrendAlert.objects.filter(region_code__startswith=COUNTY_B)
    delivery_a = ReportDelivery.objects.get(recipient="a@example.org")
    delivery_b = ReportDelivery.objects.get(recipient="b@example.org")
    open_a = Matter.objects.filter(status="open", region__code__startswith=COUNTY_A)
    assert (delivery_a.alerts, delivery_a.open_matters) == (county_a_alerts, open_a.count())
    assert delivery_a.overdue_matters == open_a.filter(due_on__lt=NOW.date()).count() == 1
    assert (delivery_b.alerts, delivery_b.open_matters, delivery_b.overdue_matters) == (0, 1, 0)
    alert = TrendAlert.objects.filter(region_code__startswith=COUNTY_A).first()
    assert alert is not None
    assert alert.area_name in mine.body and alert.reason_zh in mine.body
    assert alert.area_name not in theirs.body and alert.area_name not in theirs.alternatives[0][0]
    assert "/insight/alerts/?week=2026-W14" in mine.body


@time_machine.travel(NOW, tick=False)
def test_html_and_text_in_the_chosen_language_with_the_attachment(subscribed: MiniCity) -> None:
    services.weekly_reports_send(week=TESTED)
    mine, theirs = _by_recipient()["a@example.org"], _by_recipient()["b@example.org"]
    html, kind = mine.alternatives[0]
    assert kind == "text/html" and "<table>" in str(html)
    assert "每周研判报告" in mine.subject and "2026-W14" in mine.subject
    assert not mine.attachments
    assert theirs.subject == "Weekly insight report 2026-W14" and "Open matters: 1" in theirs.body
    (name, content, mimetype) = theirs.attachments[0]
    assert name == "alerts-2026-W14.csv" and mimetype == "text/csv"
    assert isinstance(content, str | bytes)
    header = (content.decode("utf-8-sig") if isinstance(content, bytes) else content).splitlines()
    assert (
        header[0].lstrip("\ufeff").startswith("Week,Level,Area")
    )  # English headers for an English reader


@time_machine.travel(NOW, tick=False)
def test_an_xlsx_attachment_lists_the_alerts(subscribed: MiniCity) -> None:
    services.subscription_save(
        actor=subscribed.users[Role.COMMISSION],
        email="a@example.org",
        language="zh-hans",
        attachment="xlsx",
    )
    services.weekly_reports_send(week=TESTED)
    (name, content, _) = _by_recipient()["a@example.org"].attachments[0]
    assert name.endswith(".xlsx") and isinstance(content, bytes)
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert (
        rows[0][0] == "周"
        and len(rows) - 1 == ReportDelivery.objects.get(recipient="a@example.org").alerts
    )


@time_machine.travel(NOW, tick=False)
def test_a_dry_run_sends_nothing(subscribed: MiniCity, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("insight", "send-reports", "--dry-run")
    out = capsys.readouterr().out
    assert "would send 2026-W14 to a@example.org" in out and "b@example.org" in out
    assert not mail.outbox and not ReportDelivery.objects.exists()
    with pytest.raises(CommandError) as error:
        call_command("insight", "send-reports", "--week", "2026-W99")
    assert error.value.returncode == 2


def test_the_worker_detects_the_closed_week_and_sends_on_monday_morning(
    subscribed: MiniCity,
) -> None:
    sunday_night = datetime(2026, 4, 12, 23, 0, tzinfo=SH)  # W15 ends; W15 not yet tested
    monday_early = datetime(2026, 4, 13, 6, 0, tzinfo=SH)
    monday_later = datetime(2026, 4, 13, 7, 30, tzinfo=SH)
    with time_machine.travel(sunday_night, tick=False):
        services.weekly_after_sweep(sunday_night)  # W14 closed a week ago: sends W14
    assert len(mail.outbox) == 2
    with time_machine.travel(monday_early, tick=False):
        assert services.weekly_after_sweep(monday_early) == {"detected": True}
    assert len(mail.outbox) == 2  # W15 tested, its reports wait until 07:00
    with time_machine.travel(monday_later, tick=False):
        services.weekly_after_sweep(monday_later)
        services.weekly_after_sweep(monday_later)
    weeks = sorted({d.week for d in ReportDelivery.objects.all()})
    assert len(mail.outbox) == 4 and weeks == [TESTED, TESTED + timedelta(weeks=1)]


@time_machine.travel(NOW, tick=False)
def test_subscription_page_keeps_values_on_error_and_scopes_to_the_caller(
    subscribed: MiniCity,
) -> None:
    client = Client()
    client.force_login(subscribed.users[Role.COMMISSION])
    page = client.get("/insight/reports/subscription/").content.decode()
    assert "a@example.org" in page and "b@example.org" not in page
    bad = client.post(
        "/insight/reports/subscription/", {"email": "not-an-address", "language": "en"}
    )
    assert bad.status_code == 422 and "not-an-address" in bad.content.decode()
    assert (
        ReportSubscription.objects.get(user=subscribed.users[Role.COMMISSION]).language == "zh-hans"
    )
    good = client.post(
        "/insight/reports/subscription/",
        {"email": "new@example.org", "language": "en", "attachment": "xlsx"},
    )
    assert good.status_code == 302
    row = ReportSubscription.objects.get(user=subscribed.users[Role.COMMISSION])
    assert (row.email, row.language, row.attachment) == ("new@example.org", "en", "xlsx")
    client.post("/insight/reports/subscription/cancel/")
    assert not ReportSubscription.objects.filter(user=subscribed.users[Role.COMMISSION]).exists()
    assert ReportSubscription.objects.filter(email="b@example.org").exists()


def test_citizens_cannot_subscribe_and_bad_values_are_named(mini_city: MiniCity) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.subscription_save(
            actor=mini_city.users[Role.CITIZEN], email="c@example.org", language="en"
        )
    with pytest.raises(ValidationError) as error:
        services.subscription_save(
            actor=mini_city.users[Role.JUDGE], email="j@example.org", language="fr"
        )
    assert "language" in error.value.message_dict
    assert not ReportSubscription.objects.exists()
