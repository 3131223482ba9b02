"""Checks on uploaded files: the type is read from the content, not trusted from the name.

Accepted: PDF, JPEG and PNG, at most 5 MB each and 5 per submission. A file whose content
does not match its extension is refused (a renamed executable is not a PDF).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

MAX_BYTES = 5 * 1024 * 1024
MAX_FILES = 5
SIGNATURES: dict[str, tuple[bytes, str, tuple[str, ...]]] = {
    "pdf": (b"%PDF-", "application/pdf", (".pdf",)),
    "jpeg": (b"\xff\xd8\xff", "image/jpeg", (".jpg", ".jpeg")),
    "png": (b"\x89PNG\r\n\x1a\n", "image/png", (".png",)),
}
ACCEPTED = "PDF、JPG、PNG，每个不超过 5 MB，最多 5 个 / PDF, JPG or PNG, up to 5 MB each, 5 files"


@dataclass(frozen=True)
class CheckedFile:
    upload: UploadedFile
    name: str
    extension: str
    content_type: str
    size: int
    sha256: str


def check_uploads(files: Sequence[UploadedFile], field: str = "files") -> list[CheckedFile]:
    if len(files) > MAX_FILES:
        raise ValidationError({field: f"文件过多 too many files ({len(files)}); {ACCEPTED}"})
    return [_check_one(f, field) for f in files]


def _check_one(upload: UploadedFile, field: str) -> CheckedFile:
    name = (upload.name or "file").rsplit("/", 1)[-1][:200]
    size = upload.size or 0
    if size == 0 or size > MAX_BYTES:
        raise ValidationError({field: f"{name}: 大小不符 size {size} bytes; {ACCEPTED}"})
    upload.seek(0)
    head = upload.read(16)
    extension = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    for signature, content_type, extensions in SIGNATURES.values():
        if head.startswith(signature) and extension in extensions:
            return CheckedFile(upload, name, extension, content_type, size, _sha256(upload))
    raise ValidationError({field: f"{name}: 文件类型不符 type not accepted; {ACCEPTED}"})


def _sha256(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()
