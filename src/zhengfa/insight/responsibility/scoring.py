"""Scoring rules, pure (no Django): indicator score, weighted total, rank.

- **Indicator score** (0–100): 100 when the target is met; otherwise it falls linearly with
  the shortfall and reaches 0 at ``tolerance`` past the target:
  ``score = 100 × max(0, 1 - shortfall ÷ tolerance)``, where the shortfall is
  ``target - actual`` when higher is better and ``actual - target`` when lower is better.
  An indicator with no data (a rate over zero matters) is not scored.
- **Total**: the weighted mean of the scored indicators,
  ``Σ(weight × score) ÷ Σ(weight of the scored indicators)``; weights of unscored
  indicators are left out rather than counted as 0 or 100.
- **Rank**: among the units scored that year, by total, highest first; equal totals
  share a rank and the next rank skips (1, 2, 2, 4); a unit without a total has no rank.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
K = TypeVar("K")


def shortfall(direction: str, target: Decimal, actual: Decimal) -> Decimal:
    return target - actual if direction == "higher" else actual - target


def indicator_score(
    direction: str, target: Decimal, tolerance: Decimal, actual: Decimal | None
) -> Decimal | None:
    if actual is None:
        return None
    if tolerance <= 0:
        raise ValueError("tolerance must be greater than 0")
    short = shortfall(direction, target, actual)
    if short <= 0:
        return HUNDRED
    return max(Decimal(0), HUNDRED * (1 - short / tolerance)).quantize(CENT, ROUND_HALF_UP)


def formula_text(
    direction: str, target: Decimal, tolerance: Decimal, actual: Decimal | None
) -> str:
    """The score's computation with the numbers filled in, as shown on the report."""
    score = indicator_score(direction, target, tolerance, actual)
    if actual is None or score is None:
        return "—"
    short = shortfall(direction, target, actual)
    if short <= 0:
        sign = "≥" if direction == "higher" else "≤"
        return f"达标 met: {_fmt(actual)} {sign} {_fmt(target)} → 100"
    gap = (
        f"{_fmt(target)} - {_fmt(actual)}"
        if direction == "higher"
        else f"{_fmt(actual)} - {_fmt(target)}"
    )
    return f"100 × max(0, 1 - ({gap}) ÷ {_fmt(tolerance)}) = {_fmt(score)}"


def _fmt(value: Decimal) -> str:
    return f"{value.quantize(CENT, ROUND_HALF_UP)}"


def weighted_total(lines: Iterable[tuple[int, Decimal | None]]) -> Decimal | None:
    scored = [(weight, score) for weight, score in lines if score is not None]
    weights = sum(weight for weight, _ in scored)
    if not weights:
        return None
    total = sum((weight * score for weight, score in scored), Decimal(0)) / weights
    return total.quantize(CENT, ROUND_HALF_UP)


def ranks(totals: Mapping[K, Decimal | None]) -> dict[K, int | None]:
    ordered = sorted((t for t in totals.values() if t is not None), reverse=True)
    first_place: dict[Decimal, int] = {}
    for place, total in enumerate(ordered, start=1):
        first_place.setdefault(total, place)
    return {
        key: first_place.get(total) if total is not None else None for key, total in totals.items()
    }
