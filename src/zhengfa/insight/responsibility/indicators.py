"""The catalogue of measurable indicators (考核指标) and how each is measured from the data.

Every indicator is an aggregate query over the source tables for one unit's area of
responsibility (``Area``) and one year up to a cut-off day (``Period``). A unit's area:

- a political-legal commission (政法委) answers for its whole region: every matter whose
  region code starts with the commission's region code (the project's scoping rule);
- any other unit answers for the matters it owns and those of the units under it
  (``Unit.parent``): the city court for the county courts, the city police bureau for the
  county bureaus and their stations.

Annual scoring is offline (``zhengfa insight score``), so these read the source tables
directly rather than the dashboards' count tables.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from zhengfa.clock.clock import SHANGHAI
from zhengfa.disputes.models import Dispute, Outcome
from zhengfa.flow.models import Matter
from zhengfa.hazards.models import Hazard
from zhengfa.insight.measures import limit_at
from zhengfa.insight.responsibility.models import Indicator
from zhengfa.org.models import Unit, UnitKind
from zhengfa.police.models import CriminalCase
from zhengfa.portal.models import Application

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


class Direction(StrEnum):
    HIGHER = "higher"  # higher is better: met when actual >= target
    LOWER = "lower"  # lower is better: met when actual <= target


class Kind(StrEnum):
    RATE = "rate"  # a percentage 0–100: numerator / denominator × 100
    COUNT = "count"  # a number of matters, 0 or more
    CHANGE = "change"  # a percentage change against last year, may be negative


@dataclass(frozen=True)
class Area:
    """Whose matters count for a unit: a region subtree, or a set of units."""

    region_prefix: str | None = None
    unit_ids: frozenset[int] = frozenset()

    def matters(self, prefix: str = "") -> Q:
        """The Q selecting matters in the area; ``prefix`` reaches the matter from another
        model (``"matter__"``)."""
        if self.region_prefix is not None:
            return Q(**{f"{prefix}region__code__startswith": self.region_prefix})
        return Q(**{f"{prefix}unit_id__in": sorted(self.unit_ids)})

    @classmethod
    def of(cls, unit: Unit) -> Area:
        if unit.kind == UnitKind.COMMISSION:
            return cls(region_prefix=unit.region_id)
        return cls(unit_ids=frozenset(_unit_and_below(unit.pk)))


def _unit_and_below(unit_id: int) -> set[int]:
    found, frontier = {unit_id}, {unit_id}
    while frontier:
        frontier = set(Unit.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        frontier -= found
        found |= frontier
    return found


@dataclass(frozen=True)
class Period:
    """A scoring year from 1 January up to and including ``last_day`` (Asia/Shanghai)."""

    year: int
    last_day: date

    @classmethod
    def of(cls, year: int, as_of: date) -> Period:
        return cls(year, min(date(year, 12, 31), as_of))

    @property
    def first_day(self) -> date:
        return date(self.year, 1, 1)

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first_day, time(), tzinfo=SHANGHAI)

    @property
    def end(self) -> datetime:
        """The first instant after the period."""
        return datetime.combine(self.last_day + timedelta(days=1), time(), tzinfo=SHANGHAI)

    def year_before(self) -> Period:
        """The same span of the year before (29 February falls back to the 28th)."""
        last = self.last_day
        day = min(last.day, 28) if (last.month, last.day) == (2, 29) else last.day
        return Period(self.year - 1, date(self.year - 1, last.month, day))


@dataclass(frozen=True)
class Measurement:
    numerator: int
    denominator: int | None
    actual: Decimal | None  # None: no data to measure (a rate over zero matters)


def rate(numerator: int, denominator: int) -> Measurement:
    if denominator == 0:
        return Measurement(numerator, denominator, None)
    value = (HUNDRED * numerator / denominator).quantize(CENT, ROUND_HALF_UP)
    return Measurement(numerator, denominator, value)


def change(this_year: int, last_year: int) -> Measurement:
    if last_year == 0:
        return Measurement(this_year, last_year, None)
    value = (HUNDRED * (this_year - last_year) / last_year).quantize(CENT, ROUND_HALF_UP)
    return Measurement(this_year, last_year, value)


Measure = Callable[[Area, Period], Measurement]


@dataclass(frozen=True)
class Spec:
    """One indicator of the catalogue, with its defaults and how it is measured."""

    code: Indicator
    kind: Kind
    direction: Direction
    default_target: Decimal
    default_weight: int
    default_tolerance: Decimal
    formula: str  # the exact formula, zh + en
    source: str  # the tables read
    basis: str  # why this is assessed (policy or statute)
    measure: Measure

    @property
    def unit_label(self) -> str:
        return "件 matters" if self.kind is Kind.COUNT else "%"

    def target_bounds(self) -> tuple[Decimal, Decimal]:
        if self.kind is Kind.RATE:
            return Decimal(0), HUNDRED
        if self.kind is Kind.COUNT:
            return Decimal(0), Decimal(100000)
        return Decimal(-100), Decimal(1000)


def _matters(area: Area) -> QuerySet[Matter]:
    return Matter.objects.filter(area.matters())


def _with_limit(area: Area) -> Any:  # QuerySet[Matter] annotated with limit_at
    """Matters with their limit's due instant as ``limit_at`` (``insight.measures``)."""
    return _matters(area).annotate(limit_at=limit_at())


def closed_within_limit(area: Area, period: Period) -> Measurement:
    closed = _with_limit(area).filter(
        limit_at__isnull=False, closed_at__gte=period.start, closed_at__lt=period.end
    )
    return rate(closed.filter(closed_at__lte=F("limit_at")).count(), closed.count())


def overdue(area: Area, period: Period) -> Measurement:
    fell_due = _with_limit(area).filter(limit_at__gte=period.start, limit_at__lt=period.end)
    late = fell_due.filter(Q(closed_at__isnull=True) | Q(closed_at__gt=F("limit_at")))
    return Measurement(late.count(), None, Decimal(late.count()))


def mediation_success(area: Area, period: Period) -> Measurement:
    mediated = Dispute.objects.filter(
        area.matters("matter__"),
        matter__closed_at__gte=period.start,
        matter__closed_at__lt=period.end,
    ).exclude(outcome="")
    return rate(mediated.filter(outcome=Outcome.AGREEMENT).count(), mediated.count())


def hazard_on_time(area: Area, period: Period) -> Measurement:
    fell_due = Hazard.objects.filter(
        area.matters("matter__"), matter__due_at__gte=period.start, matter__due_at__lt=period.end
    )
    on_time = fell_due.filter(matter__closed_at__lte=F("matter__due_at"))
    return rate(on_time.count(), fell_due.count())


def service_within_promise(area: Area, period: Period) -> Measurement:
    done = Application.objects.filter(
        area.matters("matter__"),
        done_at__gte=period.start,
        done_at__lt=period.end,
        within_limit__isnull=False,
    )
    return rate(done.filter(within_limit=True).count(), done.count())


def _criminal(area: Area, period: Period) -> QuerySet[CriminalCase]:
    return CriminalCase.objects.filter(
        area.matters("matter__"),
        registered_on__gte=period.first_day,
        registered_on__lte=period.last_day,
    )


def major_clearance(area: Area, period: Period) -> Measurement:
    major = _criminal(area, period).filter(major=True)
    return rate(major.filter(solved_on__lte=period.last_day).count(), major.count())


def incidence_change(area: Area, period: Period) -> Measurement:
    return change(_criminal(area, period).count(), _criminal(area, period.year_before()).count())


CATALOGUE: dict[str, Spec] = {
    spec.code: spec
    for spec in (
        Spec(
            Indicator.CLOSED_WITHIN_LIMIT,
            Kind.RATE,
            Direction.HIGHER,
            Decimal(95),
            20,
            Decimal(20),
            "按期办结率 = 年内办结且办结时刻 ≤ 期限届满时刻的事项数 ÷ "
            "年内办结且有期限的事项数 × 100 / "
            "closed within the limit = matters closed in the year at or before their due "
            "instant ÷ matters with a limit closed in the year × 100",
            "flow_matter (closed_at, due_at; closed: flow_clock overall due_at), every kind",
            "审限制度: 民事诉讼法 art. 152, 刑事诉讼法 art. 208; matters' own legal limits",
            closed_within_limit,
        ),
        Spec(
            Indicator.OVERDUE,
            Kind.COUNT,
            Direction.LOWER,
            Decimal(0),
            15,
            Decimal(20),
            "超期件数 = 期限届满于年内（截至计分日）且届满时未办结的事项数 / overdue = matters "
            "whose limit fell due in the year (up to the cut-off) and that were not closed by then",
            "flow_matter (due_at, closed_at; closed: flow_clock overall due_at)",
            "超期移送、严重超审限追责 (mission.md §1)",
            overdue,
        ),
        Spec(
            Indicator.MEDIATION_SUCCESS,
            Kind.RATE,
            Direction.HIGHER,
            Decimal(90),
            15,
            Decimal(30),
            "调解成功率 = 年内办结且达成协议的纠纷数 ÷ 年内办结且有调解结果的纠纷数 × 100 / "
            "mediation success = disputes closed in the year with an agreement ÷ disputes "
            "closed in the year with a mediation outcome × 100 (a partial agreement is not a "
            "success)",
            "disputes_dispute (outcome) ⋈ flow_matter (closed_at)",
            "人民调解法 art. 28–31; 枫桥经验",
            mediation_success,
        ),
        Spec(
            Indicator.HAZARD_ON_TIME,
            Kind.RATE,
            Direction.HIGHER,
            Decimal(95),
            15,
            Decimal(20),
            "隐患按期整改率 = 整改期限届满于年内且届满前核查销号的隐患数 ÷ "
            "整改期限届满于年内的隐患数 "
            "× 100 / hazards rectified on time = hazards due in the year closed (verified) by "
            "their deadline ÷ hazards due in the year × 100",
            "hazards_hazard ⋈ flow_matter (due_at, closed_at)",
            "隐患不过夜 (mission.md §3); 安全生产法 art. 41",
            hazard_on_time,
        ),
        Spec(
            Indicator.SERVICE_WITHIN_PROMISE,
            Kind.RATE,
            Direction.HIGHER,
            Decimal(98),
            10,
            Decimal(10),
            "承诺时限内办结率 = 年内办结且在承诺（法定）时限内的办件数 ÷ 年内办结的办件数 × 100 / "
            "done within the promise = applications done in the year within their promised "
            "(statutory) time ÷ applications done in the year × 100",
            "portal_application (done_at, within_limit)",
            "政务服务承诺时限 (国务院关于加快推进政务服务标准化规范化便利化的指导意见, "
            "国发〔2022〕5号)",
            service_within_promise,
        ),
        Spec(
            Indicator.MAJOR_CLEARANCE,
            Kind.RATE,
            Direction.HIGHER,
            Decimal(95),
            15,
            Decimal(30),
            "八类主要刑事案件破案率 = 年内立案且截至计分日已破的八类案件数 ÷ "
            "年内立案的八类案件数 × 100 / "
            "clearance of the eight major types = major cases registered in the year and "
            "solved by the cut-off ÷ major cases registered in the year × 100",
            "police_criminalcase (major, registered_on, solved_on)",
            "八类主要刑事案件: 刑法 art. 17(2)",
            major_clearance,
        ),
        Spec(
            Indicator.INCIDENCE_CHANGE,
            Kind.CHANGE,
            Direction.LOWER,
            Decimal(-5),
            10,
            Decimal(20),
            "发案同比变化 = (本年立案刑事案件数 - 上年同期立案数) ÷ 上年同期立案数 × 100 / "
            "incidence change = (criminal cases registered this year - same span last year) "
            "÷ same span last year × 100",
            "police_criminalcase (registered_on)",
            "发案率下降 (mission.md §5, 'incidence down 20%')",
            incidence_change,
        ),
    )
}


def spec_for(code: str) -> Spec:
    return CATALOGUE[code]


def label(code: str) -> str:
    return str(Indicator(code).label)


UNSCORED = _("无数据，不计分 no data, not scored")
