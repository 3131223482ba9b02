"""Photos of a finding and of its rectification: checked from their bytes, stored with the
row, removed again if the transaction that wrote them fails.

(The disputes app checks its photos the same way; the two can share one helper once both
have landed.)
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, UnidentifiedImageError

from zhengfa.flow.common import invalid, now
from zhengfa.hazards.models import Hazard, HazardPhoto, Rectification

MAX_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000  # decompression-bomb guard: 40 megapixels
MAX_PHOTOS = 9
FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
ACCEPTED = "a JPEG, PNG or WebP image of at most 8 MB"


@dataclass(frozen=True)
class PhotoInput:
    name: str
    content: bytes


@dataclass(frozen=True)
class CheckedPhoto:
    name: str
    content: bytes
    content_type: str
    width: int
    height: int
    sha256: str


def photos_check(photos: list[PhotoInput], field: str = "photos") -> list[CheckedPhoto]:
    if len(photos) > MAX_PHOTOS:
        raise invalid(field, f"{len(photos)} photos; accepted: at most {MAX_PHOTOS}")
    return [photo_check(p, f"{field}[{i}]") for i, p in enumerate(photos)]


def photo_check(photo: PhotoInput, field: str) -> CheckedPhoto:
    """A real image decoded from its bytes, whatever its name or declared type says."""
    size = len(photo.content)
    if size == 0 or size > MAX_BYTES:
        raise invalid(field, f"{photo.name}: {size} bytes; accepted: {ACCEPTED}")
    try:
        with Image.open(io.BytesIO(photo.content)) as image:
            kind, (width, height) = image.format, image.size
            if width * height > MAX_PIXELS:
                raise invalid(field, f"{photo.name}: {width}×{height} pixels; accepted: {ACCEPTED}")
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise invalid(field, f"{photo.name} is not an image; accepted: {ACCEPTED}") from None
    if kind not in FORMATS:
        raise invalid(field, f"{photo.name} is a {kind} image; accepted: {ACCEPTED}")
    digest = hashlib.sha256(photo.content).hexdigest()
    return CheckedPhoto(photo.name, photo.content, FORMATS[kind], width, height, digest)


def photo_store(
    *,
    actor: Any,
    hazard: Hazard,
    photo: CheckedPhoto,
    purpose: str,
    stored: list[str],
    rectification: Rectification | None = None,
) -> HazardPhoto:
    extension = photo.content_type.rsplit("/", 1)[-1].replace("jpeg", "jpg")
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
    row.image.save(f"{photo.sha256[:16]}.{extension}", ContentFile(photo.content), save=False)
    stored.append(str(row.image.name))
    row.save()
    return row


@contextmanager
def files_removed_on_failure() -> Iterator[list[str]]:
    """Files are written before the transaction commits; if it fails they are removed."""
    stored: list[str] = []
    try:
        yield stored
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise
