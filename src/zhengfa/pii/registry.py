"""What each app holds about a person: one ``personal_data.py`` per app, found like apps'
other hooks, never a central list of models.

An app's ``personal_data.holdings(person)`` returns the rows that refer to the person
(for the export, with their values in clear) and the matters they take part in (for
erasure: a matter still open, or within its retention period, keeps the data).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import import_module
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.utils.module_loading import module_has_submodule

if TYPE_CHECKING:
    from zhengfa.flow.models import Matter
    from zhengfa.pii.models import Person

HOOK = "personal_data"


@dataclass(frozen=True)
class Holding:
    section: str  # "<app>.<what>", e.g. "courts.parties"
    title: str  # bilingual, for the human-readable summary
    records: list[dict[str, Any]]  # JSON-safe, unmasked: this is what the person asks for
    matters: list[Matter] = field(default_factory=list)


Collector = Callable[["Person"], list[Holding]]


def collectors() -> Iterator[tuple[str, Collector]]:
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, HOOK):
            module = import_module(f"{config.name}.{HOOK}")
            yield config.label, module.holdings


def holdings_of(person: Person) -> list[Holding]:
    """Every app's holdings about the person, empty sections left out."""
    found: list[Holding] = []
    for _label, collect in collectors():
        found.extend(holding for holding in collect(person) if holding.records)
    return found
