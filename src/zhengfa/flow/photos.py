"""Photos attached to a matter (a dispute's scene, a hazard's finding and rectification):
checked from their bytes, stored with their row, removed again if the transaction that
wrote them fails.

The domains keep their own photo models; what a photo must be and how its file is kept
is the same for all of them, so it lives here, below the domains.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models
from PIL import Image, UnidentifiedImageError

from zhengfa.flow.common import invalid, now

MAX_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000  # decompression-bomb guard: 40 megapixels
MAX_PHOTOS = 9
FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
ACCEPTED = "a JPEG, PNG or WebP image of at most 8 MB"
PhotoRow = TypeVar("PhotoRow", bound=models.Model)


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


def photos_check(photos: Sequence[PhotoInput], field: str = "photos") -> list[CheckedPhoto]:
    if len(photos) > MAX_PHOTOS:
        raise invalid(field, f"{len(photos)} photos; accepted: at most {MAX_PHOTOS}")
    return [photo_check(p, f"{field}[{i}]") for i, p in enumerate(photos)]


def photo_check(photo: PhotoInput, field: str = "photo") -> CheckedPhoto:
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


def photo_row_create(
    model: type[PhotoRow], photo: CheckedPhoto, stored: list[str], *, actor: Any, **owner: Any
) -> PhotoRow:
    """A row of a photo model (``owner`` names what it belongs to) with its ``image`` file
    written; the file is noted in ``stored`` for ``files_removed_on_failure``."""
    row = model(
        **owner,
        content_type=photo.content_type,
        size=len(photo.content),
        width=photo.width,
        height=photo.height,
        sha256=photo.sha256,
        uploaded_by=actor,
        uploaded_at=now(),
    )
    extension = photo.content_type.rsplit("/", 1)[-1].replace("jpeg", "jpg")
    image = row.image  # type: ignore[attr-defined]  # every photo model has one
    image.save(f"{photo.sha256[:16]}.{extension}", ContentFile(photo.content), save=False)
    stored.append(str(image.name))
    row.save()
    return row


@contextmanager
def files_removed_on_failure() -> Iterator[list[str]]:
    """Files are written before the transaction commits; if it fails they are removed, so
    a refused write leaves no file behind either."""
    stored: list[str] = []
    try:
        yield stored
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise
