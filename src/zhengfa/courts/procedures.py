"""Procedures as data: per procedure its category, case-type code, overall trial limit
(a rule code of ``zhengfa.clock.limits``), flow kind, caseload weight and adjournment cap.

Conversions: a civil or administrative simple case converted to ordinary keeps counting
from the original registration (Civil Interp. (2022) art. 258(3); Admin Interp. (2018)
art. 105); a criminal one restarts from the conversion decision (Crim. Interp. (2021)
arts. 368(2), 376).
"""

from __future__ import annotations

from dataclasses import dataclass

from zhengfa.courts.models import Category, Procedure


@dataclass(frozen=True)
class ProcedureSpec:
    category: str
    type_code: str
    rule: str  # overall limit
    kind: str  # flow kind of the case matter
    weight: float  # relative workload, for balanced assignment
    adjournments: int  # SPC-2019 art. 7: ordinary 2, simple / small claims 1
    instance: str = "first"


P = Procedure
PROCEDURES: dict[str, ProcedureSpec] = {
    P.CIVIL_ORDINARY: ProcedureSpec(
        Category.CIVIL, "民初", "civil.first.ordinary", "court_civil_first", 1.0, 2
    ),
    P.CIVIL_SIMPLE: ProcedureSpec(
        Category.CIVIL, "民初", "civil.first.simple", "court_civil_first", 0.6, 1
    ),
    P.CIVIL_SMALL_CLAIMS: ProcedureSpec(
        Category.CIVIL, "民初", "civil.first.small_claims", "court_civil_first", 0.4, 1
    ),
    P.CRIMINAL_PUBLIC: ProcedureSpec(
        Category.CRIMINAL, "刑初", "criminal.first.public", "court_criminal_first", 1.2, 2
    ),
    P.CRIMINAL_SUMMARY: ProcedureSpec(
        Category.CRIMINAL, "刑初", "criminal.summary", "court_criminal_first", 0.5, 1
    ),
    P.CRIMINAL_FAST_TRACK: ProcedureSpec(
        Category.CRIMINAL, "刑初", "criminal.fast_track", "court_criminal_first", 0.3, 1
    ),
    P.ADMIN_ORDINARY: ProcedureSpec(
        Category.ADMINISTRATIVE, "行初", "admin.first", "court_admin_first", 1.2, 2
    ),
    P.ADMIN_SIMPLE: ProcedureSpec(
        Category.ADMINISTRATIVE, "行初", "admin.simple", "court_admin_first", 0.6, 1
    ),
    P.CIVIL_SECOND: ProcedureSpec(
        Category.CIVIL, "民终", "civil.second.judgment", "court_second", 1.2, 2, "second"
    ),
    P.CRIMINAL_SECOND: ProcedureSpec(
        Category.CRIMINAL, "刑终", "criminal.second", "court_second", 1.2, 2, "second"
    ),
    P.ADMIN_SECOND: ProcedureSpec(
        Category.ADMINISTRATIVE, "行终", "admin.second", "court_second", 1.2, 2, "second"
    ),
    # A civil retrial is tried under the first-instance limit (CPL (2023) art. 218).
    P.CIVIL_RETRIAL: ProcedureSpec(
        Category.CIVIL, "民再", "civil.first.ordinary", "court_civil_first", 1.3, 2, "retrial"
    ),
    P.ENFORCEMENT: ProcedureSpec(
        Category.ENFORCEMENT, "执", "enforcement", "court_enforcement", 0.8, 0, "enforcement"
    ),
    # Judicial confirmation: decided within 15 days of acceptance, +10 with the president's
    # approval (SPC 司法确认规定 (2011) arts. 4–5; CPL (2023) arts. 205–206).
    P.CIVIL_CONFIRMATION: ProcedureSpec(
        Category.CIVIL,
        "民特",
        "mediation.confirm.decide",
        "court_civil_confirmation",
        0.2,
        0,
        "special",
    ),
}

# Conversions to ordinary procedure and the rule of the new overall clock.
CONVERSIONS: dict[str, tuple[str, str]] = {
    P.CIVIL_SIMPLE: (P.CIVIL_ORDINARY, "civil.first.converted"),
    P.CIVIL_SMALL_CLAIMS: (P.CIVIL_ORDINARY, "civil.first.converted"),
    P.ADMIN_SIMPLE: (P.ADMIN_ORDINARY, "admin.first"),
    P.CRIMINAL_SUMMARY: (P.CRIMINAL_PUBLIC, "criminal.converted"),
    P.CRIMINAL_FAST_TRACK: (P.CRIMINAL_PUBLIC, "criminal.converted"),
}
CONVERSION_BASIS: dict[str, str] = {
    Category.CIVIL: "Civil Interp. (2022) art. 258(3): 自原立案之日起计算",
    Category.ADMINISTRATIVE: "Admin Interp. (2018) art. 105: 自原立案之日起计算",
    Category.CRIMINAL: "Crim. Interp. (2021) arts. 368(2), 376: 自决定转为普通程序之日起计算",
}

# The filing decision's statutory limit, by category (None: registered on the spot).
FILING_RULES: dict[str, str | None] = {
    Category.CIVIL: "civil.filing.decide",
    Category.ADMINISTRATIVE: "admin.filing.decide",
    Category.CRIMINAL: "criminal.review.public",
    Category.ENFORCEMENT: None,
}

# Second-instance case type for an appeal from a first-instance category.
APPEAL_PROCEDURE: dict[str, str] = {
    Category.CIVIL: P.CIVIL_SECOND,
    Category.CRIMINAL: P.CRIMINAL_SECOND,
    Category.ADMINISTRATIVE: P.ADMIN_SECOND,
}

# Default internal targets (days) for enterprise-related cases (涉企), overridable per court
# in CourtSettings.enterprise_targets. Internal management targets, not statutory limits.
ENTERPRISE_TARGETS: dict[str, int] = {
    "filing": 3,
    "assignment": 2,
    "hearing": 30,
    "service": 3,
    "transfer": 3,
}


def spec_of(procedure: str) -> ProcedureSpec:
    from django.core.exceptions import ValidationError

    try:
        return PROCEDURES[procedure]
    except KeyError:
        raise ValidationError(
            {"procedure": f"unknown procedure {procedure!r}; accepted: {', '.join(PROCEDURES)}"}
        ) from None
