"""Declarative state machines, one per matter kind.

A domain declares its kind once, at import time of its ``flows.py``::

    register(Kind(code="civil_case", label="民事案件 Civil case", initial="filed",
        overall_rule="civil.first.ordinary", stages=(
            Stage("filed", "立案 Filed", movers=(Role.COURT_REGISTRAR,), next=("trial",)),
            Stage("trial", "审理 Trial", movers=(Role.JUDGE,), limit="...", next=("closed",)),
            Stage("closed", "结案 Closed", terminal=True),
        )))

Each stage names the legal limit that runs while the matter is in it (a clock the
engine starts on entry and stops on exit) and the roles that may move the matter on.
``zhengfa.flow.checks`` verifies every registered kind at start-up: no stage is
unreachable from the initial one, and every stage that is not terminal has an owner role.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from zhengfa.org.roles import Role


@dataclass(frozen=True)
class Stage:
    code: str
    label: str
    movers: tuple[str, ...] = ()  # roles that may move the matter on from this stage
    next: tuple[str, ...] = ()  # stages reachable in one step
    limit: str | None = None  # clock-rule code of the stage limit, if one runs
    terminal: bool = False  # entering it closes the matter


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    initial: str
    stages: tuple[Stage, ...]
    overall_rule: str | None = None  # the whole-matter limit (e.g. a trial limit)
    by_code: dict[str, Stage] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_code", {s.code: s for s in self.stages})

    def stage(self, code: str) -> Stage:
        return self.by_code[code]

    def problems(self) -> list[str]:
        """What is wrong with this declaration; empty when it is sound."""
        found: list[str] = []
        if self.initial not in self.by_code:
            return [f"{self.code}: initial stage {self.initial!r} is not declared"]
        if len(self.by_code) != len(self.stages):
            found.append(f"{self.code}: a stage code is declared twice")
        for stage in self.stages:
            found += [
                f"{self.code}.{stage.code}: next stage {n!r} is not declared"
                for n in stage.next
                if n not in self.by_code
            ]
            if not stage.terminal and not stage.movers:
                found.append(f"{self.code}.{stage.code}: stage has no owner role (movers)")
            if not stage.terminal and not stage.next:
                found.append(f"{self.code}.{stage.code}: stage is a dead end (not terminal)")
            found += [
                f"{self.code}.{stage.code}: unknown role {r!r}"
                for r in stage.movers
                if r not in Role.values
            ]
        found += [
            f"{self.code}.{code}: stage is unreachable from {self.initial!r}"
            for code in self.by_code.keys() - self.reachable()
        ]
        return found

    def reachable(self) -> set[str]:
        seen = {self.initial}
        queue = deque([self.initial])
        while queue:
            for nxt in self.by_code[queue.popleft()].next:
                if nxt in self.by_code and nxt not in seen:
                    seen.add(nxt)
                    queue.append(nxt)
        return seen


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    """Declare a kind of matter; a second declaration with the same code replaces it."""
    KINDS[kind.code] = kind
    return kind


def get_kind(code: str) -> Kind:
    try:
        return KINDS[code]
    except KeyError:
        from django.core.exceptions import ValidationError

        raise ValidationError(
            {"kind": f"unknown matter kind {code!r}; accepted: {', '.join(sorted(KINDS))}"}
        ) from None


# The engine's own kind: a task handed to a unit with a deadline and a written reply
# required (清单交办, used by joint analysis in grassroots governance). Domains add theirs.
TASK = register(
    Kind(
        code="task",
        label="交办任务 Assigned task",
        initial="assigned",
        stages=(
            Stage(
                "assigned",
                "已交办 Assigned",
                movers=(Role.DEPT_LIAISON, Role.MEDIATOR, Role.POLICE_OFFICER, Role.JUDGE),
                next=("replied",),
            ),
            Stage(
                "replied",
                "已答复 Replied",
                movers=(Role.CENTRE_OPERATOR, Role.COMMISSION),
                next=("closed", "assigned"),
            ),
            Stage("closed", "已办结 Closed", terminal=True),
        ),
    )
)
