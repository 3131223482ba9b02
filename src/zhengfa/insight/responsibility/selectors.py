"""Reads, scoped: which responsible units a viewer sees, their stored scores and the annual
review report (年度考评报告) of one unit, as value objects and as export tables."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from zhengfa.insight.exports import Column, Table
from zhengfa.insight.responsibility.indicators import CATALOGUE, Spec
from zhengfa.insight.responsibility.models import IndicatorScore, Target, UnitScore
from zhengfa.insight.responsibility.scoring import formula_text
from zhengfa.org.models import Unit
from zhengfa.org.scoping import Scope, ScopeRule

# A responsible unit is visible to whoever sees its region (commission, centre) or is it.
UNIT_AS_SUBJECT = ScopeRule(region="region__code", unit="pk")


def responsible_units(user: Any) -> QuerySet[Unit]:
    condition = Scope.of(user).filter_for(UNIT_AS_SUBJECT)
    units = Unit.objects.filter(is_responsible_unit=True).order_by("code")
    return units.none() if condition is None else units.filter(condition)


def responsible_unit(user: Any, code: str) -> Unit:
    """One responsible unit in the viewer's scope, or the same 404 as a missing one."""
    found = responsible_units(user).filter(code=code).first()
    if found is None:
        raise Http404("No responsible unit matches the given query.")
    return found


def scores(user: Any, year: int) -> list[UnitScore]:
    return _ordered(UnitScore.objects.for_user(user).filter(year=year))


def all_scores(year: int) -> list[UnitScore]:
    """Every unit's score of a year, for the offline CLI (no viewer, nothing shown on a page)."""
    return _ordered(UnitScore.objects.filter(year=year))


def _ordered(rows: QuerySet[UnitScore]) -> list[UnitScore]:
    """Ranked first; each row carries ``scored`` and ``indicators``: a total over few
    indicators (a unit with little data) must be visible as such beside its rank."""
    rows = rows.filter(unit__is_responsible_unit=True).select_related("unit")
    counted = rows.annotate(
        scored=Count("lines", filter=Q(lines__score__isnull=False)), indicators=Count("lines")
    )
    return list(counted.order_by("rank", "unit__code"))


def years(user: Any) -> list[int]:
    found = Target.objects.for_user(user).values_list("year", flat=True).distinct()
    return sorted(set(found), reverse=True)


@dataclass(frozen=True)
class ReportLine:
    spec: Spec
    line: IndicatorScore

    @property
    def formula(self) -> str:
        line = self.line
        return formula_text(self.spec.direction, line.target_value, line.tolerance, line.actual)

    @property
    def label(self) -> str:
        return str(self.spec.code.label)


@dataclass(frozen=True)
class ReviewReport:
    """年度考评报告: one unit's scored agreement for one year (score None: not yet scored)."""

    unit: Unit
    year: int
    score: UnitScore | None
    lines: tuple[ReportLine, ...]
    targets: tuple[Target, ...]

    @property
    def weight_sum(self) -> int:
        return sum(report_line.line.weight for report_line in self.lines)


def review_report(user: Any, code: str, year: int) -> ReviewReport:
    return unit_review_report(responsible_unit(user, code), year)


def unit_review_report(unit: Unit, year: int) -> ReviewReport:
    """The report of a unit already checked to be in scope (or for the offline CLI)."""
    score = UnitScore.objects.filter(unit=unit, year=year).first()
    lines: tuple[ReportLine, ...] = ()
    if score is not None:
        lines = tuple(ReportLine(CATALOGUE[line.indicator], line) for line in score.lines.all())
    order = list(CATALOGUE)
    found = Target.objects.filter(unit=unit, year=year)
    targets = tuple(sorted(found, key=lambda t: order.index(t.indicator)))
    return ReviewReport(unit, year, score, lines, targets)


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def scores_table(rows: list[UnitScore], year: int) -> Table:
    columns = (
        Column("rank", "排名", "Rank"),
        Column("unit_code", "单位编码", "Unit code"),
        Column("unit", "单位", "Unit"),
        Column("total", "总分", "Total score"),
        Column("scored", "计分指标数", "Indicators scored"),
        Column("ranked_units", "参评单位数", "Units ranked"),
        Column("as_of", "数据截至", "Data as of"),
    )
    body = [
        (
            r.rank,
            r.unit.code,
            r.unit.name,
            _number(r.total),
            f"{getattr(r, 'scored', 0)}/{getattr(r, 'indicators', 0)}",
            r.ranked_units,
            r.as_of,
        )
        for r in rows
    ]
    return Table.of(f"responsibility-{year}", columns, body, title=f"{year} {_('目标考评')}")


REPORT_COLUMNS = (
    Column("indicator", "指标", "Indicator"),
    Column("direction", "方向", "Direction"),
    Column("target", "目标值", "Target"),
    Column("tolerance", "容差", "Tolerance"),
    Column("weight", "权重", "Weight"),
    Column("numerator", "分子/本期", "Numerator / this year"),
    Column("denominator", "分母/上年同期", "Denominator / last year"),
    Column("actual", "实际值", "Actual"),
    Column("score", "得分", "Score"),
    Column("formula", "计算", "Computation"),
)


def report_table(report: ReviewReport) -> Table:
    body: list[tuple[Any, ...]] = [
        (
            f"{r.label} ({r.spec.unit_label})",
            "↑" if r.spec.direction == "higher" else "↓",
            _number(r.line.target_value),
            _number(r.line.tolerance),
            r.line.weight,
            r.line.numerator,
            r.line.denominator,
            _number(r.line.actual),
            _number(r.line.score),
            r.formula,
        )
        for r in report.lines
    ]
    total = report.score.total if report.score else None
    body.append(
        (_("加权总分 Weighted total"), None, None, None, report.weight_sum, None, None, None)
        + (_number(total), _("Σ(权重×得分)÷Σ权重 Σ(weight×score)÷Σweight"))
    )
    name = f"responsibility-{report.unit.code}-{report.year}"
    return Table.of(name, REPORT_COLUMNS, body, title=f"{report.year} {report.unit.code}")
