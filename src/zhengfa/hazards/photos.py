"""Photos of a finding and of its rectification, stored as ``HazardPhoto`` rows; what a
photo must be and how its file is kept is shared with the other domains
(``zhengfa.flow.photos``).
"""

from __future__ import annotations

from typing import Any

from zhengfa.flow.photos import CheckedPhoto, photo_row_create
from zhengfa.hazards.models import Hazard, HazardPhoto, Rectification


def photo_store(
    *,
    actor: Any,
    hazard: Hazard,
    photo: CheckedPhoto,
    purpose: str,
    stored: list[str],
    rectification: Rectification | None = None,
) -> HazardPhoto:
    return photo_row_create(
        HazardPhoto,
        photo,
        stored,
        actor=actor,
        hazard=hazard,
        rectification=rectification,
        purpose=purpose,
    )
