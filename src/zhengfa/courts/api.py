"""Courts endpoints of /api/v1/courts/: read a case number, the cause catalogue in force.

Both are reference data every signed-in user may read (no jurisdiction applies); an
anonymous caller gets 401 like everywhere in the API.
"""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from zhengfa.api import Problem, ProblemError
from zhengfa.courts.api_cases import router as cases_router
from zhengfa.courts.casenumber import CaseNumberError, parse_case_number
from zhengfa.courts.models import CauseKind
from zhengfa.courts.selectors import catalogue_notice, causes_in_force, causes_of

router = Router(tags=["courts"])


class CaseNumberOut(Schema):
    text: str
    year: int
    court_code: str
    special_code: str
    type_code: str
    type_name: str
    category: str
    court_level: str
    sequence: int


class CauseOut(Schema):
    code: str
    level: int
    name: str
    parent_code: str


class CatalogueOut(Schema):
    kind: CauseKind
    title: str
    version: str
    label: str
    effective_from: date
    effective_to: date | None
    verified: bool
    source: str
    causes: list[CauseOut]


@router.get("/case-numbers/parse", response=CaseNumberOut, summary="Read a case number (案号)")
def case_number_parse(request: HttpRequest, text: str) -> CaseNumberOut:
    try:
        number = parse_case_number(text, max_year=timezone.localdate().year)
    except CaseNumberError as exc:
        raise ProblemError(
            422,
            "Invalid input",
            "The case number is malformed.",
            [{"field": f"text.{exc.part.value}", "message": exc.message}],
        ) from exc
    return CaseNumberOut(
        text=str(number),
        year=number.year,
        court_code=number.court_code,
        special_code=number.special_code,
        type_code=number.type_code,
        type_name=number.type_name,
        category=number.type.category.value,
        court_level=number.court_level,
        sequence=number.sequence,
    )


@router.get(
    "/causes",
    response={200: CatalogueOut, 404: Problem},
    summary="The cause-of-action catalogue in force on a date",
)
def causes_in_force_get(request: HttpRequest, kind: CauseKind, on: date) -> CatalogueOut:
    catalogue = causes_in_force(kind, on)
    if catalogue is None:
        raise ProblemError(404, "Not found", catalogue_notice(kind, on), slug="not-found")
    causes = causes_of(catalogue).values("code", "level", "name", "parent_code")
    return CatalogueOut(
        kind=CauseKind(catalogue.kind),
        title=catalogue.title,
        version=catalogue.version,
        label=catalogue.label,
        effective_from=catalogue.effective_from,
        effective_to=catalogue.effective_to,
        verified=catalogue.verified,
        source=catalogue.source,
        causes=[CauseOut(**cause) for cause in causes],
    )


router.add_router("", cases_router)
