"""Confluence and stacking (合流效应、叠加效应): risks rising together, enterprises recurring.

Areas: every kind of risk in an area is a weekly series (a kind of matter; disputes by
category; enterprise-related matters apart). The trend detector (``insight.trends``) gives
each series its p-value for the tested week; an area's p-values are combined by Fisher's
method (X = −2 Σ ln pᵢ, χ² with 2k degrees of freedom, Fisher 1925 §21.1) and the areas'
combined p-values are held to a false discovery rate of 5% (Benjamini-Hochberg). An area
is a confluence when at least two kinds rise (pᵢ ≤ 0.05) and its combined p passes.

Enterprises: only organisation parties are linked — of court cases (``CaseParty`` without
a person) and of disputes (``DisputeOrganisation``, e.g. the employer in wage disputes) —
by a keyed pseudonym of the normalised name (HMAC-SHA256 with the personal-data hash key,
``zhengfa.pii.crypto.blind_index``), and shown only as counts per pseudonym and county.
Natural persons are never linked (``DisputeParty`` is never read); letters and visits
(信访) and police records never enter either part.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np
from django.core.cache import cache
from django.db.models import Case, CharField, F, QuerySet, Value, When
from django.db.models.functions import Concat
from scipy import stats

from zhengfa.courts.models import CaseParty
from zhengfa.disputes.flows import DISPUTE_KIND
from zhengfa.disputes.models import DisputeOrganisation
from zhengfa.flow.models import Matter
from zhengfa.insight.mapping import (
    UNMAPPED_KINDS,
    Level,
    MapQuery,
    Measure,
    scope_key,
    tested_week,
    weekly_area_counts,
)
from zhengfa.insight.trends import (
    Control,
    DetectorSettings,
    InsufficientHistory,
    benjamini_hochberg_level,
    detect,
)
from zhengfa.insight.weeks import format_week
from zhengfa.pii.crypto import blind_index

RISING_P = 0.05  # a kind "rises" when its own p-value is at most this
CONFLUENCE_FDR = 0.05
MIN_RISING_KINDS = 2
POLICE_KINDS = frozenset(
    {"police_incident", "police_referral", "public_order_case", "criminal_case"}
)
EXCLUDED_KINDS = UNMAPPED_KINDS | POLICE_KINDS
PSEUDONYM_CHARS = 16
CACHE_SECONDS = 3600


@dataclass(frozen=True)
class RisingKind:
    risk: str
    count: int
    p_value: float


@dataclass(frozen=True)
class AreaConfluence:
    area: str
    week: str
    kinds_tested: int
    rising: tuple[RisingKind, ...]
    fisher_statistic: float
    fisher_p: float
    confluence: bool  # at least two kinds rise and the combined p passes the FDR


def risk_matters(user: Any) -> QuerySet[Matter]:
    """Matters in scope that may enter confluence, annotated with their kind of risk."""
    return (
        Matter.objects.for_user(user)
        .exclude(kind__in=EXCLUDED_KINDS)
        .annotate(
            risk=Case(
                When(
                    kind="dispute",
                    then=Concat(Value("dispute:"), F("dispute__category__code")),
                ),
                When(enterprise_related=True, then=Concat(F("kind"), Value(":enterprise"))),
                default=F("kind"),
                output_field=CharField(),
            )
        )
    )


def area_confluence(user: Any, level: Level, at: datetime) -> tuple[str, list[AreaConfluence]]:
    """(tested week, areas with two or more kinds rising, strongest first); cached an hour."""
    week = tested_week(MapQuery(Measure.TREND_ALERTS, level), at)
    key = f"insight-confluence:{scope_key(user)}:{level}:{week}"
    found: list[AreaConfluence] | None = cache.get(key)
    if found is None:
        found = _confluence(user, level, week)
        cache.set(key, found, CACHE_SECONDS)
    return format_week(week), found


def _confluence(user: Any, level: Level, week: date) -> list[AreaConfluence]:
    data = weekly_area_counts(risk_matters(user), level, "risk", week)
    if data is None:
        return []
    settings = DetectorSettings(control=Control.PER_SERIES, alpha=RISING_P)
    try:
        detection = detect(data, week, settings)
    except InsufficientHistory:
        return []
    column = data.week_index(week)
    per_area: dict[str, list[tuple[str, int, float]]] = defaultdict(list)
    for row, name in enumerate(data.series):
        area, risk = name.split("|", 1)
        p = float(detection.p_values[row])
        per_area[area].append((risk, int(data.counts[row, column]), p))
    return combine(per_area, detection.week)


def combine(per_area: dict[str, list[tuple[str, int, float]]], week: str) -> list[AreaConfluence]:
    """Fisher's method per area, Benjamini-Hochberg over the areas (pure; tested alone)."""
    areas = sorted(per_area)
    statistics = [fisher(p for _, _, p in per_area[a]) for a in areas]
    passing = benjamini_hochberg_level(np.array([p for _, p in statistics]), CONFLUENCE_FDR)
    results = []
    for area, (statistic, p_combined) in zip(areas, statistics, strict=True):
        rising = tuple(
            RisingKind(risk, count, p)
            for risk, count, p in sorted(per_area[area], key=lambda s: s[2])
            if p <= RISING_P
        )
        if len(rising) < MIN_RISING_KINDS:
            continue
        confluence = p_combined <= passing
        results.append(
            AreaConfluence(
                area, week, len(per_area[area]), rising, statistic, p_combined, confluence
            )
        )
    return sorted(results, key=lambda r: r.fisher_p)


def fisher(p_values: Any) -> tuple[float, float]:
    """Fisher's combined statistic −2 Σ ln p and its χ²(2k) upper tail probability."""
    ps = np.clip(np.fromiter(p_values, dtype=np.float64), 1e-300, 1.0)
    statistic = float(-2.0 * np.log(ps).sum())
    return statistic, float(stats.chi2.sf(statistic, 2 * len(ps)))


# --------------------------------------------------------------------------- enterprises


@dataclass(frozen=True)
class EnterpriseRecurrence:
    pseudonym: str
    area: str  # county code
    court_cases: int
    disputes: int
    enterprise_related: int  # of which marked 涉企
    kinds: dict[str, int]


def normalised_organisation(name: str) -> str:
    """One spelling per organisation name: NFKC width folding, no spaces, case-folded."""
    return "".join(unicodedata.normalize("NFKC", name).split()).casefold()


def pseudonym(name: str) -> str:
    """A keyed pseudonym of an organisation: stable, unlinkable without the key."""
    return blind_index("enterprise", normalised_organisation(name))[:PSEUDONYM_CHARS]


def organisation_parties(user: Any) -> QuerySet[CaseParty]:
    """Organisation parties of court cases in scope; natural persons never enter."""
    cases_in_scope = Matter.objects.for_user(user).exclude(kind__in=EXCLUDED_KINDS).values("pk")
    return (
        CaseParty.objects.filter(case__matter__in=cases_in_scope, person__isnull=True)
        .exclude(organisation="")
        .select_related(None)
    )


def dispute_organisations(user: Any) -> QuerySet[DisputeOrganisation]:
    """Organisation parties of disputes in scope (never a natural person, never 信访)."""
    in_scope = Matter.objects.for_user(user).filter(kind=DISPUTE_KIND).values("pk")
    return DisputeOrganisation.objects.filter(dispute__matter__in=in_scope)


def enterprise_recurrence(user: Any, min_cases: int = 2) -> list[EnterpriseRecurrence]:
    """Pseudonyms met in at least ``min_cases`` matters (court cases and disputes together),
    per county, most first."""
    matters: dict[tuple[str, str], dict[int, tuple[str, bool]]] = defaultdict(dict)
    for name, matter_id, region, kind, enterprise in _organisation_rows(user):
        matters[pseudonym(name), str(region)[:6]][matter_id] = (kind, enterprise)
    found = [
        EnterpriseRecurrence(
            pseudonym=key[0],
            area=key[1],
            court_cases=sum(1 for k, _ in seen.values() if k != DISPUTE_KIND),
            disputes=sum(1 for k, _ in seen.values() if k == DISPUTE_KIND),
            enterprise_related=sum(1 for _, e in seen.values() if e),
            kinds=_kind_counts(seen.values()),
        )
        for key, seen in matters.items()
        if len(seen) >= min_cases
    ]
    return sorted(found, key=lambda r: (-(r.court_cases + r.disputes), r.area, r.pseudonym))


def _organisation_rows(user: Any) -> Iterator[tuple[str, int, Any, str, bool]]:
    """(name, matter, region, kind, 涉企) of every organisation party in scope."""
    yield from (
        organisation_parties(user)
        .values_list(
            "organisation",
            "case__matter_id",
            "case__matter__region_id",
            "case__matter__kind",
            "case__matter__enterprise_related",
        )
        .iterator()
    )
    yield from (
        dispute_organisations(user)
        .values_list(
            "name",
            "dispute__matter_id",
            "dispute__matter__region_id",
            "dispute__matter__kind",
            "dispute__matter__enterprise_related",
        )
        .iterator()
    )


def _kind_counts(values: Any) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for kind, _ in values:
        counts[kind] += 1
    return dict(counts)
