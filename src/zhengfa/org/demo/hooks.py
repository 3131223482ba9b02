"""Domain apps add their demo history to the demo city through this registry.

An app registers a builder in its ``AppConfig.ready`` (``register_demo_builder``);
``demo_city_build`` calls every builder, in registration order, inside its transaction,
after the city itself is written. A builder gets the seed and the progress reporter, must
flag its rows ``is_demo`` and should write in bulk.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

DemoBuilder = Callable[[int, Any], dict[str, int]]  # (seed, progress) -> counts


@dataclass(frozen=True)
class RegisteredBuilder:
    label: str
    build: DemoBuilder


DEMO_BUILDERS: dict[str, RegisteredBuilder] = {}


def register_demo_builder(label: str, build: DemoBuilder) -> None:
    """Add (or replace) the demo history builder called ``label``."""
    DEMO_BUILDERS[label] = RegisteredBuilder(label, build)


def run_demo_builders(seed: int, progress: Any) -> dict[str, int]:
    counts: dict[str, int] = {}
    for builder in DEMO_BUILDERS.values():
        counts.update(builder.build(seed, progress))
    return counts
