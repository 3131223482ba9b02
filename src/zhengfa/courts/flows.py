"""The courts' matter kinds on the flow engine: filings and cases, stage by stage.

A filing (立案审查) is a matter of its own whose review stage runs the statutory filing
limit; a request for missing material leaves review (its clock stops) and the corrected
complaint starts a fresh review clock the day it arrives (Civil Interp. (2022) art. 126(2);
Admin Interp. (2018) art. 53). Acceptance opens the case matter (``workflow.filing``).

A case's overall trial limit is started by the courts' services with the procedure's rule
(it differs within a kind and changes on conversion); it stops at judgment (结案, SPC-2000
art. 10) while service, the appeal period, the transfer and archiving go on, each on its own
clock where the law sets one.
"""

from __future__ import annotations

from zhengfa.courts.models import Category
from zhengfa.courts.procedures import FILING_RULES
from zhengfa.flow.machine import Kind, Stage, register
from zhengfa.org.roles import Role

R = Role
STAFF = (R.JUDGE, R.CLERK)
REGISTRY = (R.CLERK, R.COURT_REGISTRAR)


def _filing_kind(category: str) -> Kind:
    return register(
        Kind(
            code=f"court_filing_{category}",
            label=f"立案审查 Filing review ({category})",
            initial="review",
            stages=(
                Stage(
                    "review",
                    "立案审查 Review",
                    movers=(R.COURT_REGISTRAR,),
                    limit=FILING_RULES[category],
                    next=("material", "accepted", "rejected"),
                ),
                Stage(
                    "material",
                    "待补正 Awaiting material",
                    movers=(R.CITIZEN, R.COURT_REGISTRAR),
                    next=("review",),
                ),
                Stage("accepted", "已立案 Accepted", terminal=True),
                Stage("rejected", "不予受理 Rejected", terminal=True),
            ),
        )
    )


FIRST_INSTANCE_RULES: dict[str, dict[str, str | None]] = {
    Category.CIVIL: {
        "serve": "civil.complaint.serve",
        "answer": "civil.answer",
        "appeal_period": "civil.appeal.judgment",
        "appeal_filed": "civil.appeal.copy_service",
        "appeal_answer": "civil.appeal.answer",
        "transfer": "civil.appeal.file_transfer",
    },
    Category.ADMINISTRATIVE: {
        "serve": None,
        "answer": "admin.answer",
        "appeal_period": "admin.appeal.judgment",
        "appeal_filed": None,
        "appeal_answer": None,
        "transfer": None,
    },
    Category.CRIMINAL: {
        "serve": None,
        "answer": None,
        "appeal_period": "criminal.appeal.judgment",
        "appeal_filed": None,
        "appeal_answer": None,
        "transfer": "criminal.appeal.transfer",
    },
}


def _trial_stages(rules: dict[str, str | None]) -> tuple[Stage, ...]:
    return (
        Stage("schedule", "排期 Scheduling", movers=STAFF, next=("hearing",)),
        Stage("hearing", "待开庭 Hearing", movers=(R.JUDGE,), next=("deliberation", "schedule")),
        Stage("deliberation", "评议 Deliberation", movers=(R.JUDGE,), next=("judged",)),
        Stage(
            "judged",
            "裁判文书送达 Service of the judgment",
            movers=STAFF,
            next=("appeal_period", "archive"),
        ),
        Stage(
            "appeal_period",
            "上诉期 Appeal period",
            movers=REGISTRY,
            limit=rules.get("appeal_period"),
            next=("appeal_filed", "archive"),
        ),
        Stage(
            "appeal_filed",
            "上诉状副本送达 Serving the appeal",
            movers=REGISTRY,
            limit=rules.get("appeal_filed"),
            next=("appeal_answer",),
        ),
        Stage(
            "appeal_answer",
            "上诉答辩期 Answer to the appeal",
            movers=REGISTRY,
            limit=rules.get("appeal_answer"),
            next=("transfer",),
        ),
        Stage(
            "transfer",
            "移送二审 Transfer to the higher court",
            movers=REGISTRY,
            limit=rules.get("transfer"),
            next=("archive",),
        ),
        Stage("archive", "归档 Archiving", movers=REGISTRY, next=("archived",)),
        Stage("archived", "已归档 Archived", terminal=True),
    )


def _first_instance_kind(category: str) -> Kind:
    rules = FIRST_INSTANCE_RULES[category]
    return register(
        Kind(
            code=f"court_{'admin' if category == Category.ADMINISTRATIVE else category}_first",
            label=f"一审案件 First instance ({category})",
            initial="serve",
            stages=(
                Stage(
                    "serve",
                    "送达起诉状副本 Serving the complaint",
                    movers=STAFF,
                    limit=rules["serve"],
                    next=("answer",),
                ),
                Stage(
                    "answer",
                    "答辩期 Answer period",
                    movers=STAFF,
                    limit=rules["answer"],
                    next=("schedule",),
                ),
                *_trial_stages(rules),
            ),
        )
    )


SECOND_INSTANCE = register(
    Kind(
        code="court_second",
        label="二审案件 Second instance",
        initial="schedule",
        stages=tuple(
            Stage(s.code, s.label, movers=s.movers, next=("archive",), limit=None)
            if s.code == "judged"
            else s
            for s in _trial_stages({})
            if not s.code.startswith("appeal") and s.code != "transfer"
        ),
    )
)

ENFORCEMENT = register(
    Kind(
        code="court_enforcement",
        label="执行案件 Enforcement",
        initial="enforcing",
        stages=(
            Stage("enforcing", "执行中 Enforcing", movers=(R.JUDGE,), next=("archive",)),
            Stage("archive", "归档 Archiving", movers=REGISTRY, next=("archived",)),
            Stage("archived", "已归档 Archived", terminal=True),
        ),
    )
)

FILING_KINDS = {c: _filing_kind(c) for c in Category.values}
FIRST_INSTANCE_KINDS = {
    c: _first_instance_kind(c) for c in (Category.CIVIL, Category.ADMINISTRATIVE, Category.CRIMINAL)
}

# 司法确认 (民特): the case is reviewed by its judge, who confirms the mediation agreement
# or rejects the application by ruling (CPL (2023) art. 206); the overall clock (the
# procedure's rule ``mediation.confirm.decide``) stops when the ruling closes the case.
CONFIRMATION = register(
    Kind(
        code="court_civil_confirmation",
        label="司法确认案件 Judicial confirmation",
        initial="reviewing",
        stages=(
            Stage("reviewing", "审查 Reviewing", movers=(R.JUDGE,), next=("confirmed", "rejected")),
            Stage("confirmed", "裁定确认有效 Agreement confirmed", terminal=True),
            Stage("rejected", "裁定驳回申请 Application rejected", terminal=True),
        ),
    )
)
