"""Portal fixtures: the mini city, an SMS outbox, uploaded files of each kind."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from zhengfa.flow.notices import MemorySmsBackend

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PHONE = "13912345678"


def pdf(name: str = "material.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture(autouse=True)
def _sms_and_media(settings: pytest.FixtureRequest, tmp_path: object) -> Iterator[None]:
    settings.SMS_BACKEND = "zhengfa.flow.notices.MemorySmsBackend"  # type: ignore[attr-defined]
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    MemorySmsBackend.outbox.clear()
    yield
    MemorySmsBackend.outbox.clear()
