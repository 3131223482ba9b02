"""/api/v1/insight/responsibility/: the indicator catalogue, stored scores in the caller's
scope, one unit's review report, and the commission setting a target. A unit out of scope
answers 404 like a missing one; bad input answers problem+json naming the field."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, Router, Schema

from zhengfa.api import api_user
from zhengfa.flow.common import invalid, legal_day
from zhengfa.insight.responsibility import selectors
from zhengfa.insight.responsibility.indicators import CATALOGUE, Spec
from zhengfa.insight.responsibility.models import Target, UnitScore
from zhengfa.insight.responsibility.services import (
    FIRST_YEAR,
    LAST_YEAR,
    TargetInput,
    target_set,
)

router = Router(tags=["insight"])


def _year(year: int) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise invalid("year", f"{year}: accepted: a year {FIRST_YEAR}–{LAST_YEAR}")
    return year


class IndicatorOut(Schema):
    code: str
    name: str
    kind: str
    direction: str
    default_target: Decimal
    default_weight: int
    default_tolerance: Decimal
    formula: str
    source: str
    basis: str

    @staticmethod
    def of(spec: Spec) -> IndicatorOut:
        return IndicatorOut(
            code=spec.code.value,
            name=str(spec.code.label),
            kind=spec.kind.value,
            direction=spec.direction.value,
            default_target=spec.default_target,
            default_weight=spec.default_weight,
            default_tolerance=spec.default_tolerance,
            formula=spec.formula,
            source=spec.source,
            basis=spec.basis,
        )


class ScoreOut(Schema):
    unit_code: str
    unit_name: str
    year: int
    total: Decimal | None
    rank: int | None
    ranked_units: int
    as_of: date
    computed_at: datetime

    @staticmethod
    def of(score: UnitScore) -> ScoreOut:
        return ScoreOut(
            unit_code=score.unit.code,
            unit_name=score.unit.name,
            year=score.year,
            total=score.total,
            rank=score.rank,
            ranked_units=score.ranked_units,
            as_of=score.as_of,
            computed_at=score.computed_at,
        )


class LineOut(Schema):
    indicator: str
    target_value: Decimal
    weight: int
    tolerance: Decimal
    numerator: int
    denominator: int | None
    actual: Decimal | None
    score: Decimal | None
    computation: str


class TargetOut(Schema):
    unit_code: str
    year: int
    indicator: str
    target_value: Decimal
    weight: int
    tolerance: Decimal

    @staticmethod
    def of(target: Target) -> TargetOut:
        return TargetOut(
            unit_code=target.unit.code,
            year=target.year,
            indicator=target.indicator,
            target_value=target.target_value,
            weight=target.weight,
            tolerance=target.tolerance,
        )


class ReportOut(Schema):
    unit_code: str
    unit_name: str
    year: int
    score: ScoreOut | None
    lines: list[LineOut]
    targets: list[TargetOut]


class TargetIn(Schema):
    indicator: str
    target_value: Decimal
    weight: int
    tolerance: Decimal | None = Field(None, description="empty: the catalogue's default")


@router.get("/indicators", response=list[IndicatorOut])
def indicators(request: HttpRequest) -> list[IndicatorOut]:
    return [IndicatorOut.of(spec) for spec in CATALOGUE.values()]


@router.get("/scores", response=list[ScoreOut])
def scores(request: HttpRequest, year: int | None = None) -> list[ScoreOut]:
    chosen = _year(year) if year is not None else legal_day().year
    return [ScoreOut.of(score) for score in selectors.scores(api_user(request), chosen)]


@router.get("/units/{unit_code}/{year}", response=ReportOut)
def report(request: HttpRequest, unit_code: str, year: int) -> ReportOut:
    review = selectors.review_report(api_user(request), unit_code, _year(year))
    return ReportOut(
        unit_code=review.unit.code,
        unit_name=review.unit.name,
        year=review.year,
        score=ScoreOut.of(review.score) if review.score else None,
        lines=[
            LineOut(
                indicator=r.line.indicator,
                target_value=r.line.target_value,
                weight=r.line.weight,
                tolerance=r.line.tolerance,
                numerator=r.line.numerator,
                denominator=r.line.denominator,
                actual=r.line.actual,
                score=r.line.score,
                computation=r.formula,
            )
            for r in review.lines
        ],
        targets=[TargetOut.of(t) for t in review.targets],
    )


@router.post("/units/{unit_code}/{year}/targets", response=TargetOut)
def set_target(request: HttpRequest, unit_code: str, year: int, payload: TargetIn) -> TargetOut:
    actor = api_user(request)
    selectors.responsible_unit(actor, unit_code)  # out of scope: the same 404 as missing
    _year(year)
    data = TargetInput(
        unit=unit_code,
        year=year,
        indicator=payload.indicator,
        target_value=payload.target_value,
        weight=payload.weight,
        tolerance=payload.tolerance,
    )
    return TargetOut.of(target_set(actor=actor, data=data))
