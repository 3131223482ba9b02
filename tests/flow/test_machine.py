from __future__ import annotations

from django.core.management import call_command

from zhengfa.flow.checks import check_kinds, kind_errors
from zhengfa.flow.machine import KINDS, Kind, Stage
from zhengfa.org.roles import Role


def _kind(*stages: Stage, overall: str | None = None) -> Kind:
    return Kind(code="k", label="k", initial="a", stages=stages, overall_rule=overall)


def test_registered_kinds_are_sound_and_the_check_runs_at_startup() -> None:
    assert "task" in KINDS
    assert check_kinds() == []
    call_command("check")  # raises SystemCheckError if any kind were broken


def test_unreachable_stage_is_reported() -> None:
    kind = _kind(
        Stage("a", "A", movers=(Role.JUDGE,), next=("z",)),
        Stage("b", "B", movers=(Role.JUDGE,), next=("z",)),
        Stage("z", "Z", terminal=True),
    )
    assert kind.problems() == ["k.b: stage is unreachable from 'a'"]


def test_stage_without_owner_role_or_exit_is_reported() -> None:
    kind = _kind(
        Stage("a", "A", next=("z",)),
        Stage("z", "Z", terminal=True),
        Stage("x", "X", movers=(Role.JUDGE,)),
    )
    problems = kind.problems()
    assert "k.a: stage has no owner role (movers)" in problems
    assert "k.x: stage is a dead end (not terminal)" in problems


def test_unknown_rule_and_role_are_reported() -> None:
    kind = _kind(
        Stage("a", "A", movers=("wizard",), next=("z",), limit="civil.nope"),
        Stage("z", "Z", terminal=True),
        overall="civil.first.ordinary",
    )
    messages = [e.msg for e in kind_errors(kind)]
    assert any("unknown role 'wizard'" in m for m in messages)
    assert any("unknown rule 'civil.nope'" in m for m in messages)
