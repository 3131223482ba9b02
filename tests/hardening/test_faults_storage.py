"""A full upload storage (a real 1 MB tmpfs as MEDIA_ROOT): the report that does not fit is
answered 507 problem+json, nothing of it stays (no dispute, no row, no partial file), the
earlier photo is intact, and once there is room the same Idempotency-Key goes through.
The drill with the whole server is bench/faults/storage_full.py."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from PIL import Image

from tests.disputes.conftest import DisputeCity, dc, media_in_tmp  # noqa: F401  (fixtures)
from tests.disputes.test_api import _report_body
from zhengfa.disputes.models import Dispute, DisputePhoto


@pytest.fixture
def small_media(settings: Any, tmp_path: Path) -> Iterator[Path]:
    media = tmp_path / "full"
    media.mkdir()
    mounted = subprocess.run(  # noqa: S603, S607 - fixed argv
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(media)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    settings.MEDIA_ROOT = str(media)
    try:
        yield media
    finally:
        subprocess.run(["umount", str(media)], check=False)  # noqa: S603, S607


def _noise_png(side: int = 300) -> bytes:
    out = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(out, format="PNG")
    return out.getvalue()


def _report(client: Client, dc: DisputeCity, photo: bytes, key: str) -> Any:  # noqa: F811
    body = _report_body(
        dc,
        description=f"full-storage {key}",
        photos=[{"name": "p.png", "data": base64.b64encode(photo).decode()}],
    )
    return client.post(
        "/api/v1/disputes/",
        json.dumps(body),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=key,
    )


def test_an_upload_that_does_not_fit_is_refused_whole(
    dc: DisputeCity,  # noqa: F811
    small_media: Path,
) -> None:
    client = Client()
    client.force_login(dc.grid_worker)
    first_photo = _noise_png()
    assert _report(client, dc, first_photo, "first").status_code == 201
    too_big = _noise_png(side=560)  # about 940 KB: more than what is left of 1 MB

    refused = _report(client, dc, too_big, "second")

    assert refused.status_code == 507
    assert refused["Content-Type"] == "application/problem+json"
    assert "storage is full" in refused.json()["detail"]
    assert not Dispute.objects.filter(description="full-storage second").exists()
    (row,) = DisputePhoto.objects.all()
    kept = small_media / row.image.name
    assert hashlib.sha256(kept.read_bytes()).hexdigest() == hashlib.sha256(first_photo).hexdigest()
    assert [p for p in small_media.rglob("*") if p.is_file()] == [kept]  # no partial file
    subprocess.run(["mount", "-o", "remount,size=4m", str(small_media)], check=True)  # noqa: S603, S607
    assert _report(client, dc, too_big, "second").status_code == 201
