"""Photos of a finding and of its rectification, stored as ``HazardPhoto`` rows; what a
photo must be and how its file is kept is shared with the other domains
(``zhengfa.flow.photos``).
"""

from __future__ import annotations

from typing import Any

from zhengfa.flow.common import now
from zhengfa.flow.photos import CheckedPhoto, photo_row_save
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
    row = HazardPhoto(
        hazard=hazard,
        rectification=rectification,
        purpose=purpose,
        content_type=photo.content_type,
        size=len(photo.content),
        width=photo.width,
        height=photo.height,
        sha256=photo.sha256,
        uploaded_by=actor,
        uploaded_at=now(),
    )
    photo_row_save(row, photo, stored)
    return row
