"""Start-up checks: every declared kind of matter is a sound state machine, and every
limit it names exists in the clock's table."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, register

from zhengfa.clock import ClockError, get_rule
from zhengfa.flow.machine import KINDS, Kind


def kind_errors(kind: Kind) -> list[Error]:
    errors = [Error(problem, id="flow.E001", obj=kind.code) for problem in kind.problems()]
    rules = [kind.overall_rule, *(stage.limit for stage in kind.stages)]
    for code in filter(None, rules):
        try:
            get_rule(code)
        except ClockError as exc:
            errors.append(Error(f"{kind.code}: {exc}", id="flow.E002", obj=kind.code))
    return errors


@register()
def check_kinds(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    return [error for kind in KINDS.values() for error in kind_errors(kind)]
