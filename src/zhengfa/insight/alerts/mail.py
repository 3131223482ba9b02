"""The weekly report as an e-mail: text and HTML alternatives in the subscriber's language,
with the week's alerts as an optional CSV or XLSX attachment (``insight.exports``)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from zhengfa.insight.alerts.models import AttachmentFormat, ReportSubscription
from zhengfa.insight.alerts.selectors import WeeklyFigures
from zhengfa.insight.exports import XLSX_TYPE, Column, Table
from zhengfa.insight.weeks import format_week

ALERT_COLUMNS = (
    Column("week", "周", "Week"),
    Column("level", "层级", "Level"),
    Column("area", "区域", "Area"),
    Column("category", "类别", "Category"),
    Column("count", "本周数量", "Count"),
    Column("expected", "期望", "Expected"),
    Column("upper", "上限", "Upper bound"),
    Column("p_value", "p 值", "p-value"),
    Column("reason", "原因", "Why"),
)


def weekly_message(
    subscription: ReportSubscription, figures: WeeklyFigures
) -> EmailMultiAlternatives:
    language = subscription.language
    with translation.override(language):
        context = {
            "figures": figures,
            "week": format_week(figures.week),
            "english": language.startswith("en"),
            "link": settings.ZHENGFA_SITE_URL
            + reverse("insight:alerts")
            + f"?week={format_week(figures.week)}",
        }
        subject = _("每周研判报告 Weekly insight report") + f" {context['week']}"
        text = render_to_string("insight_alerts/email/weekly.txt", context)
        html = render_to_string("insight_alerts/email/weekly.html", context)
    message = EmailMultiAlternatives(subject, text, to=[subscription.email])
    message.attach_alternative(html, "text/html")
    _attach(message, subscription, figures)
    return message


def alerts_table(figures: WeeklyFigures, english: bool) -> Table:
    rows = [
        (
            format_week(a.week),
            a.get_area_level_display(),
            f"{a.area_name} ({a.area_code})",
            a.category,
            a.count,
            round(a.expected, 2),
            a.upper,
            a.p_value,
            a.reason_en if english else a.reason_zh,
        )
        for a in figures.alerts
    ]
    return Table.of(f"alerts-{format_week(figures.week)}", ALERT_COLUMNS, rows, title="alerts")


def _attach(
    message: EmailMultiAlternatives, subscription: ReportSubscription, figures: WeeklyFigures
) -> None:
    if subscription.attachment == AttachmentFormat.NONE:
        return
    language = subscription.language
    table = alerts_table(figures, language.startswith("en"))
    if subscription.attachment == AttachmentFormat.CSV:
        message.attach(f"{table.name}.csv", table.to_csv(language), "text/csv")
    else:
        message.attach(f"{table.name}.xlsx", table.to_xlsx(language), XLSX_TYPE)
