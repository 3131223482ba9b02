"""The demo city's agreements: the 28 responsible units (8 county commissions and 20 city
units, ``org.demo.units``) get every catalogue indicator at its default target for last
year and this year, and both years are scored from the demo history up to today."""

from __future__ import annotations

from typing import Any

from zhengfa.flow.common import legal_day
from zhengfa.insight.responsibility.services import scores_compute, targets_fill_defaults
from zhengfa.org.models import Unit


def build_demo_targets(seed: int, progress: Any) -> dict[str, int]:
    units = list(Unit.objects.filter(is_demo=True, is_responsible_unit=True).order_by("code"))
    if not units:
        return {}
    today = legal_day()
    years = (today.year - 1, today.year)
    progress.stage("目标责任书 responsibility agreements", len(units) * len(years))
    targets = scores = 0
    for year in years:
        targets += targets_fill_defaults(actor=None, units=units, year=year, is_demo=True)
        scores += len(
            scores_compute(year=year, as_of=today, progress=lambda _unit: progress.advance())
        )
    return {"responsibility targets": targets, "unit scores": scores}
