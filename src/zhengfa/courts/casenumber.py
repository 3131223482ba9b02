"""Case numbers (案号) by the SPC rules on case numbering.

《最高人民法院关于人民法院案件案号的若干规定》 (法〔2015〕137号, in force 2016-01-01),
as amended by 法〔2018〕335号: a case number is

    （收案年度）法院代字 [专门审判代字] 类型代字 案件编号 号
    e.g. （2026）豫1502民初1234号, （2019）最高法知民终1号

- the year the case was received (art. 2), in full-width or half-width parentheses;
- the court code (art. 4-5): 最高法, a high court's province abbreviation (内 for Inner
  Mongolia, 军 for the PLA Military Court, 兵 for the XPCC branch), followed by two
  digits for an intermediate court or four for a basic court (黑04, 黑0402);
- since 2019 an optional one-character special-trial code (法〔2018〕335号: 知);
- the case-type code from the SPC table (data/case_types.csv, see data/NOTE.md);
- the sequence within court, year and type (art. 10), a natural number; for 刑核
  (criminal review) a random number of exactly 8 digits (art. 10(2));
- the character 号.

Pure Python: no Django, so the parser runs anywhere (CLI, API, importers, tests).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).parent / "data"

FIRST_YEAR = 2016  # 法〔2015〕137号 took effect on 2016-01-01; older numbers used 字第
MAX_SEQUENCE_DIGITS = 8
REVIEW_TYPE_CODE = "刑核"  # art. 10(2): fixed length, random, never sequential
REVIEW_SEQUENCE_DIGITS = 8
COURT_DIGIT_LENGTHS = {0: "high", 2: "intermediate", 4: "basic"}
SUPREME_COURT_CODE = "最高法"

# Full-width parentheses are the official form; half-width and full-width digits are
# what people type, so both are read.
_NORMALISE = str.maketrans("（）０１２３４５６７８９", "()0123456789")
_LEADING_DIGITS = re.compile(r"\d*")
_LETTERS_THEN_REST = re.compile(r"(\D*)(.*)", re.DOTALL)


class CasePart(StrEnum):
    """The parts of a case number, named in every error."""

    YEAR = "year"
    COURT_CODE = "court_code"
    SPECIAL_CODE = "special_code"
    TYPE_CODE = "type_code"
    SEQUENCE = "sequence"
    SUFFIX = "suffix"


class CaseCategory(StrEnum):
    """The first-level classes of the SPC case-type standard."""

    JURISDICTION = "jurisdiction"
    CRIMINAL = "criminal"
    CIVIL = "civil"
    ADMINISTRATIVE = "administrative"
    STATE_COMPENSATION = "state_compensation"
    INTERREGIONAL_ASSISTANCE = "interregional_assistance"
    INTERNATIONAL_ASSISTANCE = "international_assistance"
    JUDICIAL_SANCTION = "judicial_sanction"
    PRESERVATION = "preservation"
    ENFORCEMENT = "enforcement"
    LIQUIDATION_BANKRUPTCY = "liquidation_bankruptcy"


CATEGORY_LABELS: dict[CaseCategory, str] = {
    CaseCategory.JURISDICTION: "管辖 Jurisdiction",
    CaseCategory.CRIMINAL: "刑事 Criminal",
    CaseCategory.CIVIL: "民事 Civil",
    CaseCategory.ADMINISTRATIVE: "行政 Administrative",
    CaseCategory.STATE_COMPENSATION: "国家赔偿与司法救助 State compensation and judicial aid",
    CaseCategory.INTERREGIONAL_ASSISTANCE: "区际司法协助 Interregional judicial assistance",
    CaseCategory.INTERNATIONAL_ASSISTANCE: "国际司法协助 International judicial assistance",
    CaseCategory.JUDICIAL_SANCTION: "司法制裁 Judicial sanction",
    CaseCategory.PRESERVATION: "非诉保全审查 Preservation",
    CaseCategory.ENFORCEMENT: "执行 Enforcement",
    CaseCategory.LIQUIDATION_BANKRUPTCY: "强制清算与破产 Liquidation and bankruptcy",
}


class CaseInstance(StrEnum):
    """The kind of proceeding a case type is (审级 or procedure)."""

    FIRST = "first"
    SECOND = "second"
    RETRIAL_REVIEW = "retrial_review"
    RETRIAL = "retrial"
    REVIEW = "review"
    SPECIAL = "special"
    EXAMINATION = "examination"
    RECONSIDERATION = "reconsideration"
    SUPERVISION = "supervision"
    IMPLEMENTATION = "implementation"
    ASSISTANCE = "assistance"
    OTHER = "other"


INSTANCE_LABELS: dict[CaseInstance, str] = {
    CaseInstance.FIRST: "一审 First instance",
    CaseInstance.SECOND: "二审 Second instance",
    CaseInstance.RETRIAL_REVIEW: "再审审查 Retrial petition review",
    CaseInstance.RETRIAL: "再审 Retrial",
    CaseInstance.REVIEW: "复核 Review",
    CaseInstance.SPECIAL: "特别程序 Special procedure",
    CaseInstance.EXAMINATION: "审查 Examination",
    CaseInstance.RECONSIDERATION: "复议 Reconsideration",
    CaseInstance.SUPERVISION: "监督 Supervision",
    CaseInstance.IMPLEMENTATION: "实施 Implementation",
    CaseInstance.ASSISTANCE: "司法协助 Judicial assistance",
    CaseInstance.OTHER: "其他 Other",
}


@dataclass(frozen=True)
class CaseType:
    code: str
    name: str
    official_name: str
    category: CaseCategory
    instance: CaseInstance
    standard_class: str
    from_date: date | None
    to_date: date | None
    source: str

    def in_use(self, year: int) -> bool:
        """Whether numbers of this type could be issued in ``year``."""
        starts_after = self.from_date is not None and year < self.from_date.year
        ended_before = self.to_date is not None and year > self.to_date.year
        return not (starts_after or ended_before)

    def period(self) -> str:
        start = self.from_date.isoformat() if self.from_date else str(FIRST_YEAR)
        return f"{start} – {self.to_date.isoformat() if self.to_date else 'now'}"


@dataclass(frozen=True)
class CourtPrefix:
    code: str
    name: str
    kind: str
    source: str


@dataclass(frozen=True)
class SpecialTrialCode:
    code: str
    name: str
    from_date: date
    source: str


class CaseNumberError(ValueError):
    """A malformed case number; ``part`` names the wrong part, the message what is accepted."""

    def __init__(self, part: CasePart, message: str) -> None:
        super().__init__(f"{part.value}: {message}")
        self.part = part
        self.message = message


@dataclass(frozen=True)
class CaseNumber:
    year: int
    court_code: str
    type_code: str
    sequence: int
    special_code: str = ""

    @property
    def type(self) -> CaseType:
        return case_types()[self.type_code]

    @property
    def type_name(self) -> str:
        return self.type.name

    @property
    def court_level(self) -> str:
        """supreme, high, intermediate or basic, from the shape of the court code."""
        if self.court_code == SUPREME_COURT_CODE:
            return "supreme"
        digits = len(self.court_code) - len(_court_prefix_of(self.court_code))
        return COURT_DIGIT_LENGTHS[digits]

    def as_dict(self) -> dict[str, Any]:
        """The parts as JSON-ready values; ``special_code`` only when there is one."""
        parts: dict[str, Any] = {"year": self.year, "court_code": self.court_code}
        if self.special_code:
            parts["special_code"] = self.special_code
        parts.update(type_code=self.type_code, type_name=self.type_name, sequence=self.sequence)
        return parts

    def __str__(self) -> str:
        return (
            f"（{self.year}）{self.court_code}{self.special_code}{self.type_code}{self.sequence}号"
        )


# ---- the tables ------------------------------------------------------------------------


def _optional_date(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def _read_csv(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@cache
def case_types() -> dict[str, CaseType]:
    """The SPC case-type codes (类型代字) by code, in the standard's order."""
    return {
        row["code"]: CaseType(
            code=row["code"],
            name=row["name"],
            official_name=row["official_name"],
            category=CaseCategory(row["category"]),
            instance=CaseInstance(row["instance"]),
            standard_class=row["standard_class"],
            from_date=_optional_date(row["from_date"]),
            to_date=_optional_date(row["to_date"]),
            source=row["source"],
        )
        for row in _read_csv("case_types.csv")
    }


@cache
def court_prefixes() -> dict[str, CourtPrefix]:
    """The court codes of the SPC and the high courts (法院代字), by code."""
    return {
        row["code"]: CourtPrefix(row["code"], row["name"], row["kind"], row["source"])
        for row in _read_csv("court_codes.csv")
    }


@cache
def special_trial_codes() -> dict[str, SpecialTrialCode]:
    """The special-trial codes (专门审判代字) added by 法〔2018〕335号, by code."""
    return {
        row["code"]: SpecialTrialCode(
            row["code"], row["name"], date.fromisoformat(row["from_date"]), row["source"]
        )
        for row in _read_csv("special_trial_codes.csv")
    }


def _court_prefix_of(text: str) -> str:
    """The longest known court prefix ``text`` starts with, or ''."""
    matches = [code for code in court_prefixes() if text.startswith(code)]
    return max(matches, key=len, default="")


# ---- parsing ---------------------------------------------------------------------------


def parse_case_number(text: str, *, max_year: int | None = None) -> CaseNumber:
    """Read a case number such as ``（2026）豫1502民初1234号``; CaseNumberError if malformed.

    ``max_year`` (usually the current year) rejects numbers from the future.
    """
    normalised = text.strip().translate(_NORMALISE)
    if "字第" in normalised:
        raise CaseNumberError(
            CasePart.TYPE_CODE,
            "“…字第N号” is the form used before 2016; since 2016-01-01 a case number "
            "has no 字第, e.g. （2026）豫1502民初1234号",
        )
    year, rest = _split_year(normalised, max_year)
    if not rest.endswith("号"):
        raise CaseNumberError(
            CasePart.SUFFIX, "a case number ends with 号, e.g. （2026）豫1502民初1234号"
        )
    court_code, rest = _split_court_code(rest[:-1])
    letters, digits = _LETTERS_THEN_REST.fullmatch(rest).groups()  # type: ignore[union-attr]
    special_code, type_code = _split_type(letters, year)
    sequence = _check_sequence(digits, type_code)
    return CaseNumber(year, court_code, type_code, sequence, special_code)


def _split_year(text: str, max_year: int | None) -> tuple[int, str]:
    accepted = f"a four-digit year from {FIRST_YEAR} in parentheses, e.g. （2026） or (2026)"
    if not text.startswith("(") or ")" not in text:
        raise CaseNumberError(CasePart.YEAR, f"a case number starts with {accepted}")
    inside, rest = text[1:].split(")", 1)
    if not (len(inside) == 4 and inside.isascii() and inside.isdigit()):
        raise CaseNumberError(CasePart.YEAR, f"“{inside}” is not a year; expected {accepted}")
    year = int(inside)
    if year < FIRST_YEAR:
        raise CaseNumberError(
            CasePart.YEAR,
            f"{year} is before {FIRST_YEAR}, when these rules took effect (法〔2015〕137号); "
            f"expected {accepted}",
        )
    if max_year is not None and year > max_year:
        raise CaseNumberError(
            CasePart.YEAR, f"{year} is in the future; the latest accepted year is {max_year}"
        )
    return year, rest


def _split_court_code(text: str, *, in_number: bool = True) -> tuple[str, str]:
    prefix = _court_prefix_of(text)
    if not prefix:
        raise CaseNumberError(
            CasePart.COURT_CODE,
            f"“{text[:4]}…” does not start with a court code; accepted: {SUPREME_COURT_CODE}, "
            f"or a high court's code ({'、'.join(_high_court_codes())}) followed by no digits, "
            "2 digits (intermediate court, e.g. 黑04) or 4 digits (basic court, e.g. 豫1502)",
        )
    digits = _LEADING_DIGITS.match(text, len(prefix)).group()  # type: ignore[union-attr]
    if in_number and len(prefix) + len(digits) == len(text):
        # Court digits running into the sequence: the type between them is missing.
        raise CaseNumberError(
            CasePart.TYPE_CODE,
            f"no case-type code between the court code and the sequence in “{text}”, "
            "e.g. 豫1502民初1234",
        )
    _check_court_digits(prefix, digits)
    return prefix + digits, text[len(prefix) + len(digits) :]


def check_court_code(text: str) -> str:
    """``text`` if it is a well-formed court code (最高法, 黑04, 黑0402), else CaseNumberError."""
    court_code, rest = _split_court_code(text, in_number=False)
    if rest:
        raise CaseNumberError(
            CasePart.COURT_CODE,
            f"“{text}”: a court code ends after its digits (found “{rest}” after {court_code})",
        )
    return court_code


def _high_court_codes() -> list[str]:
    return [code for code in court_prefixes() if code != SUPREME_COURT_CODE]


def _check_court_digits(prefix: str, digits: str) -> None:
    if prefix == SUPREME_COURT_CODE and digits:
        raise CaseNumberError(
            CasePart.COURT_CODE, f"{SUPREME_COURT_CODE} takes no digits (found {digits})"
        )
    if len(digits) not in COURT_DIGIT_LENGTHS:
        raise CaseNumberError(
            CasePart.COURT_CODE,
            f"{prefix}{digits}: a court code has no digits (high court), 2 digits "
            f"(intermediate court, e.g. {prefix}04) or 4 digits (basic court, e.g. "
            f"{prefix}0402), not {len(digits)}",
        )


def _split_type(letters: str, year: int) -> tuple[str, str]:
    types = case_types()
    if not letters:
        raise CaseNumberError(
            CasePart.TYPE_CODE, "no case-type code after the court code, e.g. 民初, 刑终, 执"
        )
    special, code = "", letters
    if letters not in types and letters[0] in special_trial_codes():
        special, code = letters[0], letters[1:]
    case_type = types.get(code)
    if case_type is None:
        raise CaseNumberError(
            CasePart.TYPE_CODE,
            f"“{letters}” is not a case-type code of the SPC table (e.g. 民初, 民终, 刑初, 行初, "
            "执, 执恢); `zhengfa courts case-types` lists all",
        )
    if not case_type.in_use(year):
        raise CaseNumberError(
            CasePart.TYPE_CODE,
            f"{code} ({case_type.name}) was in use {case_type.period()} ({case_type.source}), "
            f"not in {year}",
        )
    _check_special(special, year)
    return special, code


def _check_special(special: str, year: int) -> None:
    if special and year < special_trial_codes()[special].from_date.year:
        since = special_trial_codes()[special].from_date
        raise CaseNumberError(
            CasePart.SPECIAL_CODE,
            f"the special-trial code {special} is used from {since.isoformat()}, not in {year}",
        )


def _check_sequence(digits: str, type_code: str) -> int:
    if not digits:
        raise CaseNumberError(CasePart.SEQUENCE, "no sequence number before 号, e.g. …民初1234号")
    if not (digits.isascii() and digits.isdigit()):
        raise CaseNumberError(
            CasePart.SEQUENCE,
            f"“{digits}” is not a sequence number: only digits may stand between the case "
            "type and 号",
        )
    if digits.startswith("0"):
        raise CaseNumberError(
            CasePart.SEQUENCE, f"{digits}: a sequence number has no leading zeros"
        )
    if type_code == REVIEW_TYPE_CODE and len(digits) != REVIEW_SEQUENCE_DIGITS:
        raise CaseNumberError(
            CasePart.SEQUENCE,
            f"{digits}: a {REVIEW_TYPE_CODE} number is exactly {REVIEW_SEQUENCE_DIGITS} digits "
            "(法〔2015〕137号 art. 10(2))",
        )
    if len(digits) > MAX_SEQUENCE_DIGITS:
        raise CaseNumberError(
            CasePart.SEQUENCE, f"{digits}: at most {MAX_SEQUENCE_DIGITS} digits are accepted"
        )
    return int(digits)


def format_case_number(
    *, year: int, court_code: str, type_code: str, sequence: int, special_code: str = ""
) -> str:
    """The official form, ``（2026）豫1502民初1234号``; CaseNumberError on a bad part."""
    if sequence < 1:
        raise CaseNumberError(CasePart.SEQUENCE, f"{sequence}: a sequence number starts at 1")
    if special_code and special_code not in special_trial_codes():
        accepted = "、".join(special_trial_codes())
        raise CaseNumberError(
            CasePart.SPECIAL_CODE,
            f"“{special_code}” is not a special-trial code; accepted: {accepted}",
        )
    text = f"（{year}）{court_code}{special_code}{type_code}{sequence}号"
    number = parse_case_number(text)
    expected = (year, court_code, special_code, type_code, sequence)
    actual = (
        number.year,
        number.court_code,
        number.special_code,
        number.type_code,
        number.sequence,
    )
    if actual != expected:
        # The parts ran into each other (e.g. digits in the court code swallowed by the
        # sequence): name the first part that did not come back as given.
        names = ("year", "court_code", "special_code", "type_code", "sequence")
        wrong = next(n for n, a, e in zip(names, actual, expected, strict=True) if a != e)
        raise CaseNumberError(CasePart(wrong), f"{expected[names.index(wrong)]!r} is malformed")
    return str(number)
