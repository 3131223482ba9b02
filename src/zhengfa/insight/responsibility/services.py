"""Writes: the commission sets targets; the annual scoring stores scores. Each write runs in
one transaction with its audit row."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from zhengfa.audit.services import audit_record
from zhengfa.insight.responsibility.indicators import CATALOGUE, Area, Period, Spec
from zhengfa.insight.responsibility.models import IndicatorScore, Target, UnitScore
from zhengfa.insight.responsibility.scoring import indicator_score, ranks, weighted_total
from zhengfa.org.models import Unit, UnitKind
from zhengfa.org.roles import Role, ScopeKind
from zhengfa.org.scoping import Scope

FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_WEIGHT = 100


@dataclass(frozen=True)
class TargetInput:
    """A target as typed (strings from a form or JSON values); checked by ``clean``."""

    unit: str  # unit code
    year: Any
    indicator: str
    target_value: Any
    weight: Any
    tolerance: Any = None  # default: the catalogue's


def may_set_targets(actor: Any, unit: Unit) -> bool:
    """The commission sets targets for the units in its region, never its own agreement;
    the platform admin for any unit."""
    scope = Scope.of(actor)
    if scope.kind is ScopeKind.ALL:
        return True
    if getattr(actor, "role", None) != Role.COMMISSION or not scope.region_code:
        return False
    own_commission = unit.kind == UnitKind.COMMISSION and unit.region_id == scope.region_code
    return unit.region_id.startswith(scope.region_code) and not own_commission


def may_score(actor: Any) -> bool:
    """Re-scoring a year reads only data and targets; the commission and the admin may."""
    scope = Scope.of(actor)
    return scope.kind is ScopeKind.ALL or getattr(actor, "role", None) == Role.COMMISSION


def _number(errors: dict[str, str], field: str, raw: Any) -> Decimal | None:
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        errors[field] = f"{raw!r}: 应为数字 / give a number"
        return None
    if not value.is_finite():
        errors[field] = f"{raw!r}: 应为数字 / give a number"
        return None
    return value


@dataclass(frozen=True)
class CleanTarget:
    unit: Unit
    year: int
    spec: Spec
    target_value: Decimal
    weight: int
    tolerance: Decimal


def clean(data: TargetInput) -> CleanTarget:
    """Check every field; raise one ValidationError naming each bad field."""
    errors: dict[str, str] = {}
    unit = Unit.objects.filter(code=str(data.unit).strip()).first()
    if unit is None or not unit.is_responsible_unit:
        errors["unit"] = f"{data.unit!r}: 不是目标责任单位 / not a responsible unit"
    year = _year(errors, data.year)
    spec = CATALOGUE.get(str(data.indicator))
    if spec is None:
        errors["indicator"] = f"{data.indicator!r}: 应为以下之一 / one of: {', '.join(CATALOGUE)}"
    value = _number(errors, "target_value", data.target_value)
    if spec is not None and value is not None:
        low, high = spec.target_bounds()
        if not low <= value <= high:
            errors["target_value"] = f"{value}: 应在 {low}–{high} 之间 / between {low} and {high}"
    weight = _weight(errors, data.weight)
    tolerance = _tolerance(errors, data.tolerance, spec)
    if errors:
        raise ValidationError(errors)
    assert unit and spec and value is not None and year and weight and tolerance
    return CleanTarget(unit, year, spec, value.quantize(Decimal("0.01")), weight, tolerance)


def _year(errors: dict[str, str], raw: Any) -> int | None:
    text = str(raw).strip()
    if not text.isdigit() or not FIRST_YEAR <= int(text) <= LAST_YEAR:
        errors["year"] = (
            f"{raw!r}: 应为 {FIRST_YEAR}–{LAST_YEAR} 的年份 / a year {FIRST_YEAR}–{LAST_YEAR}"
        )
        return None
    return int(text)


def _weight(errors: dict[str, str], raw: Any) -> int | None:
    text = str(raw).strip()
    if not text.isdigit() or not 1 <= int(text) <= MAX_WEIGHT:
        errors["weight"] = f"{raw!r}: 应为 1–{MAX_WEIGHT} 的整数 / a whole number 1–{MAX_WEIGHT}"
        return None
    return int(text)


def _tolerance(errors: dict[str, str], raw: Any, spec: Spec | None) -> Decimal | None:
    if raw is None or str(raw).strip() == "":
        return spec.default_tolerance if spec else None
    value = _number(errors, "tolerance", raw)
    if value is not None and value <= 0:
        errors["tolerance"] = f"{value}: 应大于 0 / greater than 0"
        return None
    return value


def target_set(*, actor: Any, data: TargetInput) -> Target:
    """Create or change one target of a unit's agreement (目标责任书), audited."""
    target = clean(data)
    if not may_set_targets(actor, target.unit):
        raise PermissionDenied(
            "只有政法委可为本辖区单位设定目标 / only the commission sets targets"
        )
    with transaction.atomic():
        existing = (
            Target.objects.select_for_update()
            .filter(unit=target.unit, year=target.year, indicator=target.spec.code)
            .first()
        )
        old = _values(existing) if existing else {}
        row = existing or Target(unit=target.unit, year=target.year, indicator=target.spec.code)
        row.target_value, row.weight, row.tolerance = (
            target.target_value,
            target.weight,
            target.tolerance,
        )
        row.set_by, row.set_at = actor, timezone.now()
        row.save()
        audit_record(
            actor=actor,
            action="responsibility.target_set",
            subject=row,
            old=old,
            new=_values(row),
        )
    return row


def _values(target: Target) -> dict[str, str]:
    return {
        "target_value": str(target.target_value),
        "weight": str(target.weight),
        "tolerance": str(target.tolerance),
    }


Progress = Callable[[Unit], None]


def scores_compute(
    *, year: int, as_of: date, actor: Any = None, progress: Progress | None = None
) -> list[UnitScore]:
    """Score every responsible unit with targets for ``year`` from the data up to
    ``as_of``, rank them, and replace the year's stored scores (one transaction)."""
    if as_of.year < year:
        raise ValidationError({"year": f"{year}: 尚未开始 / has not begun on {as_of}"})
    period = Period.of(year, as_of)
    units = list(
        Unit.objects.filter(responsibility_targets__year=year, is_responsible_unit=True)
        .distinct()
        .order_by("code")
    )
    scored: dict[int, tuple[Unit, list[IndicatorScore]]] = {}
    for unit in units:
        scored[unit.pk] = (unit, _score_lines(unit, period))
        if progress is not None:
            progress(unit)
    totals = {
        pk: weighted_total((s.weight, s.score) for s in lines) for pk, (_, lines) in scored.items()
    }
    return _store(year, period, totals, scored, actor)


def _score_lines(unit: Unit, period: Period) -> list[IndicatorScore]:
    area = Area.of(unit)
    lines = []
    for target in Target.objects.filter(unit=unit, year=period.year).order_by("indicator"):
        spec = CATALOGUE[target.indicator]
        measured = spec.measure(area, period)
        score = indicator_score(
            spec.direction, target.target_value, target.tolerance, measured.actual
        )
        lines.append(
            IndicatorScore(
                indicator=target.indicator,
                target_value=target.target_value,
                weight=target.weight,
                tolerance=target.tolerance,
                numerator=measured.numerator,
                denominator=measured.denominator,
                actual=measured.actual,
                score=score,
            )
        )
    lines.sort(key=lambda line: list(CATALOGUE).index(line.indicator))
    return lines


def _store(
    year: int,
    period: Period,
    totals: dict[int, Decimal | None],
    scored: dict[int, tuple[Unit, list[IndicatorScore]]],
    actor: Any,
) -> list[UnitScore]:
    placed = ranks(totals)
    ranked = sum(1 for rank in placed.values() if rank is not None)
    now = timezone.now()
    with transaction.atomic():
        UnitScore.objects.filter(year=year).delete()
        stored = []
        for pk, (unit, lines) in scored.items():
            row = UnitScore.objects.create(
                unit=unit,
                year=year,
                total=totals[pk],
                rank=placed[pk],
                ranked_units=ranked,
                as_of=period.last_day,
                computed_at=now,
            )
            for line in lines:
                line.unit_score = row
            IndicatorScore.objects.bulk_create(lines)
            stored.append(row)
        audit_record(
            actor=actor,
            action="responsibility.score",
            subject_type="insight_responsibility.year",
            subject_id=str(year),
            new={"year": year, "as_of": period.last_day.isoformat(), "units": len(stored)},
        )
    return stored


def targets_fill_defaults(
    *, actor: Any, units: Sequence[Unit], year: int, is_demo: bool = False
) -> int:
    """Every catalogue indicator at its default target for each unit (the demo city)."""
    now = timezone.now()
    rows = [
        Target(
            unit=unit,
            year=year,
            indicator=spec.code,
            target_value=spec.default_target,
            weight=spec.default_weight,
            tolerance=spec.default_tolerance,
            set_by=actor,
            set_at=now,
            is_demo=is_demo,
        )
        for unit in units
        for spec in CATALOGUE.values()
    ]
    with transaction.atomic():
        Target.objects.bulk_create(rows, ignore_conflicts=True)
        audit_record(
            actor=actor,
            action="responsibility.targets_default",
            subject_type="insight_responsibility.year",
            subject_id=str(year),
            new={"year": year, "units": len(units)},
        )
    return len(rows)
