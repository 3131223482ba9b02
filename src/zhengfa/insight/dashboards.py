"""The role dashboards (看板): court supervision, governance centre, commission.

Every figure is read from the count tables through ``aggregates`` (one query each, never
the matter table), carries its formula with the numbers put in, and covers the viewer's
scope only. A period is a span of legal dates; "last year" is the same span a year back.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.utils.translation import gettext as _

from zhengfa.api import ProblemError
from zhengfa.courts.models import Division
from zhengfa.flow.machine import KINDS
from zhengfa.insight import aggregates
from zhengfa.insight.aggregates import Kinds
from zhengfa.insight.measures import DAILY_MEASURES, SNAPSHOT_MEASURES
from zhengfa.insight.weeks import format_week
from zhengfa.org.models import Region, Unit
from zhengfa.org.roles import Role

TREND_WEEKS = 12
DISPUTE, HAZARD, CRIMINAL = "dispute", "hazard", "criminal_case"


def court_kinds() -> tuple[str, ...]:
    """Court cases (first instance, appeal, enforcement, …); filings are not cases yet."""
    return tuple(
        sorted(k for k in KINDS if k.startswith("court_") and not k.startswith("court_filing"))
    )


def service_kinds() -> tuple[str, ...]:
    return tuple(sorted(k for k in KINDS if k.startswith("portal_")))


@dataclass(frozen=True)
class Period:
    since: date
    until: date

    @classmethod
    def year_to_date(cls, today: date) -> Period:
        return cls(today.replace(month=1, day=1), today)

    def last_year(self) -> Period:
        return Period(_year_back(self.since), _year_back(self.until))


def _year_back(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: float | int | None  # a rate is a fraction 0..1; None when nothing to divide
    formula: str
    numerator: int
    denominator: int | None = None
    style: str = "count"  # count, rate or change

    @property
    def shown(self) -> str:
        if self.value is None:
            return "—"
        if self.style == "rate":
            return f"{self.value:.1%}"
        if self.style == "change":
            return f"{self.value:+.1%}"
        return str(self.value)


@dataclass(frozen=True)
class Table:
    title: str
    columns: list[str]
    rows: list[list[Any]]


@dataclass(frozen=True)
class Trend:
    title: str
    points: list[tuple[str, int]]  # (ISO week, count)


@dataclass
class Dashboard:
    key: str
    title: str
    period: Period
    today: date
    figures: list[Figure] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    trends: list[Trend] = field(default_factory=list)


@dataclass(frozen=True)
class Reader:
    """The viewer, the period and today: what every figure on one page shares."""

    user: Any
    period: Period
    today: date

    def total(self, measure: str, kind: Kinds = None, period: Period | None = None) -> int:
        span = period or self.period
        return aggregates.measure_total(
            self.user, measure, kind, span.since, span.until, self.today
        )

    def count(self, key: str, label: str, measure: str, kind: Kinds = None) -> Figure:
        n = self.total(measure, kind)
        return Figure(key, label, n, f"{label} = {n}", n)

    def rate(self, key: str, label: str, top: str, bottom: str, kind: Kinds = None) -> Figure:
        return ratio(key, label, self.total(top, kind), self.total(bottom, kind), top, bottom)

    def by(self, measure: str, group: str, kind: Kinds = None) -> dict[Any, int]:
        return aggregates.measure_by(
            self.user, measure, group, kind, self.period.since, self.period.until, self.today
        )

    def weekly(self, title: str, measure: str, kind: Kinds = None) -> Trend:
        end = min(self.period.until, self.today)  # the weeks up to the period's end
        start = end - timedelta(weeks=TREND_WEEKS - 1, days=end.weekday())
        days = aggregates.measure_by_day(self.user, measure, kind, start, end)
        weeks = [format_week(start + timedelta(weeks=n)) for n in range(TREND_WEEKS)]
        totals = dict.fromkeys(weeks, 0)
        for day, n in days.items():
            totals[format_week(day)] += n
        return Trend(title, list(totals.items()))


def measure_label(measure: str) -> str:
    spec = DAILY_MEASURES.get(measure)
    return str(spec.label if spec else SNAPSHOT_MEASURES[measure])


def ratio(key: str, label: str, top: int, bottom: int, top_m: str, bottom_m: str) -> Figure:
    value = top / bottom if bottom else None
    shown = f"{value:.1%}" if value is not None else "—"
    formula = f"{measure_label(top_m)} / {measure_label(bottom_m)} = {top} / {bottom} = {shown}"
    return Figure(key, label, value, formula, top, bottom, "rate")


def change(key: str, label: str, now_n: int, before_n: int) -> Figure:
    value = (now_n - before_n) / before_n if before_n else None
    shown = f"{value:+.1%}" if value is not None else "—"
    formula = _(
        "(this period − same period last year) / last year = (%(a)s − %(b)s) / %(b)s = %(v)s"
    ) % {
        "a": now_n,
        "b": before_n,
        "v": shown,
    }
    return Figure(key, label, value, formula, now_n, before_n, "change")


def _grouped_table(
    reader: Reader,
    title: str,
    group: str,
    kind: Kinds,
    names: Callable[[set[Any]], dict[Any, str]],
    roll: Callable[[Any], Any] = lambda key: key,
) -> Table:
    """Open, overdue, closed, closed within the limit and the rate, per group."""
    measures = ("open", "overdue", "closed", "closed_in_limit", "closed_with_limit")
    columns: dict[str, dict[Any, int]] = {}
    for measure in measures:
        rolled: dict[Any, int] = {}
        for key, n in reader.by(measure, group, kind).items():
            rolled[roll(key)] = rolled.get(roll(key), 0) + n
        columns[measure] = rolled
    keys = set().union(*(values.keys() for values in columns.values()))
    labels = names(keys)
    rows = []
    for key in sorted(keys, key=lambda k: labels.get(k, str(k))):
        values = [columns[m].get(key, 0) for m in measures]
        rate = f"{values[3] / values[4]:.1%}" if values[4] else "—"
        rows.append([labels.get(key, str(key) or "—"), *values[:4], rate])
    heads = [measure_label(m) for m in measures[:4]]
    return Table(title, [_("Name"), *heads, _("Closed within the limit, rate")], rows)


def _unit_names(ids: set[Any]) -> dict[Any, str]:
    return dict(Unit.objects.filter(pk__in=ids).values_list("pk", "name"))


def _division_names(ids: set[Any]) -> dict[Any, str]:
    numbers = [int(i) for i in ids if i and str(i).isdigit()]
    found = Division.objects.filter(pk__in=numbers).values_list("pk", "name")
    names: dict[Any, str] = {str(pk): name for pk, name in found}
    names[""] = _("No division yet")
    return names


def _region_names(codes: set[Any]) -> dict[Any, str]:
    return dict(Region.objects.filter(code__in=codes).values_list("code", "name"))


def _township(code: str) -> str:
    return code[:9]


def _county(code: str) -> str:
    return code[:6]


def _mediation_success(r: Reader) -> Figure:
    return r.rate("mediation", _("Mediation success"), "mediation_success", "mediated")


def _hazards_on_time(r: Reader) -> Figure:
    label = _("Hazards rectified on time")
    return r.rate("hazard_on_time", label, "closed_in_limit", "closed_with_limit", HAZARD)


def _services_in_time(r: Reader) -> Figure:
    label = _("Service items done within the promised time")
    return r.rate("service", label, "service_within", "service_done", service_kinds())


def court_supervision(user: Any, period: Period, today: date) -> Dashboard:
    r, kinds = Reader(user, period, today), court_kinds()
    board = Dashboard("courts", _("Court supervision"), period, today)
    board.figures = [
        r.count("open", _("Cases pending"), "open", kinds),
        r.count("overdue", _("Cases past their trial limit"), "overdue", kinds),
        r.count("paused", _("Cases with the limit suspended"), "paused", kinds),
        r.count("opened", _("Cases received in the period"), "opened", kinds),
        r.count("closed", _("Cases closed in the period"), "closed", kinds),
        r.rate(
            "in_limit",
            _("Closed within the trial limit"),
            "closed_in_limit",
            "closed_with_limit",
            kinds,
        ),
    ]
    board.tables = [
        _grouped_table(r, _("By court"), "unit_id", kinds, _unit_names),
        _grouped_table(r, _("By division"), "category", kinds, _division_names),
    ]
    board.trends = [
        r.weekly(_("Cases received per week"), "opened", kinds),
        r.weekly(_("Cases closed per week"), "closed", kinds),
    ]
    return board


def governance_centre(user: Any, period: Period, today: date) -> Dashboard:
    r = Reader(user, period, today)
    board = Dashboard("governance", _("Governance centre"), period, today)
    board.figures = [
        r.count("disputes_opened", _("Disputes registered in the period"), "opened", DISPUTE),
        r.count("disputes_open", _("Disputes being handled"), "open", DISPUTE),
        r.count("disputes_overdue", _("Disputes past their limit"), "overdue", DISPUTE),
        _mediation_success(r),
        r.count("hazards_open", _("Hazards not yet rectified"), "open", HAZARD),
        _hazards_on_time(r),
        _services_in_time(r),
    ]
    board.tables = [
        _grouped_table(
            r, _("Disputes by township"), "region_code", DISPUTE, _region_names, _township
        ),
        _grouped_table(
            r, _("Hazards by township"), "region_code", HAZARD, _region_names, _township
        ),
    ]
    board.trends = [
        r.weekly(_("Disputes registered per week"), "opened", DISPUTE),
        r.weekly(_("Hazards found per week"), "opened", HAZARD),
    ]
    return board


def commission(user: Any, period: Period, today: date) -> Dashboard:
    r = Reader(user, period, today)
    board = Dashboard("commission", _("Political-legal commission"), period, today)
    now_n = r.total("crime_registered")
    before_n = r.total("crime_registered", period=period.last_year())
    board.figures = [
        r.rate(
            "major_clearance",
            _("Clearance of the eight major criminal case types"),
            "major_solved",
            "major_registered",
        ),
        change(
            "incidence", _("Criminal cases registered, change against last year"), now_n, before_n
        ),
        r.rate(
            "in_limit",
            _("Matters closed within their limit"),
            "closed_in_limit",
            "closed_with_limit",
        ),
        _mediation_success(r),
        _hazards_on_time(r),
        _services_in_time(r),
        r.count("overdue", _("Matters past their limit now"), "overdue"),
    ]
    board.tables = [
        _grouped_table(r, _("All matters by county"), "region_code", None, _region_names, _county),
    ]
    board.trends = [
        r.weekly(_("Criminal cases registered per week"), "crime_registered"),
        r.weekly(_("Major criminal cases cleared per week"), "major_solved"),
    ]
    return board


DASHBOARDS: dict[str, Callable[[Any, Period, date], Dashboard]] = {
    "courts": court_supervision,
    "governance": governance_centre,
    "commission": commission,
}


def dashboard_keys() -> Sequence[str]:
    return tuple(DASHBOARDS)


# Who may open which dashboard; everyone else gets the same 404 as a missing page.
VIEWERS: dict[str, frozenset[str]] = {
    "courts": frozenset(
        {Role.COURT_PRESIDENT, Role.DIVISION_PRESIDENT, Role.COMMISSION, Role.PLATFORM_ADMIN}
    ),
    "governance": frozenset({Role.CENTRE_OPERATOR, Role.COMMISSION, Role.PLATFORM_ADMIN}),
    "commission": frozenset({Role.COMMISSION, Role.PLATFORM_ADMIN}),
}


def may_view(user: Any, key: str) -> bool:
    return bool(user.is_authenticated and getattr(user, "role", None) in VIEWERS.get(key, ()))


def parse_period(since: str | None, until: str | None, today: date) -> Period:
    """The period asked for (YYYY-MM-DD, inclusive); by default the year to date."""
    default = Period.year_to_date(today)
    errors: list[dict[str, str]] = []
    first = _parse_day(since, "since", errors) or default.since
    last = _parse_day(until, "until", errors) or default.until
    if not errors and first > last:
        errors.append({"field": "until", "message": _("The end comes before the start.")})
    if errors:
        raise ProblemError(422, "Invalid input", "Some fields are not valid.", errors)
    return Period(first, last)


def _parse_day(text: str | None, name: str, errors: list[dict[str, str]]) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors.append({"field": name, "message": _("Give a date as YYYY-MM-DD.")})
        return None
