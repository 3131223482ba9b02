"""Fault drill (c): the upload storage fills up.

    python bench/faults/storage_full.py [--size 2m]

MEDIA_ROOT is a small tmpfs mounted for the drill (``mount -t tmpfs -o size=2m``, at
/tmp/zf_load_media_full; never the machine's disk; needs the right to mount). With
``zhengfa serve`` on the ``DATABASE_URL`` database (default ``zf_load``), a grid worker
reports disputes with a 300 KB photo each through the API until the storage is full.
Then: the report that did not fit is answered 507 in problem+json, and nothing of it is
stored (no dispute, no photo row, no partial file); every report acknowledged before
still has its photo, byte for byte (sha256); and once the volume is grown, the same request
with the same Idempotency-Key goes through. The tmpfs is unmounted at the end.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]  # common.py here, benchkit.py in bench/

from common import TAG, intake_fixture  # noqa: E402 - the folders are put on the path first

import benchkit  # noqa: E402

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/zf_load"
MOUNT = Path("/tmp/zf_load_media_full")  # noqa: S108 - ours, a tmpfs
PORT = 8743


def noise_png(seed: int, side: int = 320) -> bytes:
    """A PNG of random pixels (incompressible, about 300 KB)."""
    import io

    from PIL import Image

    image = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def post(url: str, token: str, body: dict[str, Any], key: str) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(  # noqa: S310 - loopback
        url + "/api/v1/disputes/",
        data=json.dumps(body).encode(),
        headers={
            "Content-Type": "application/json",
            "Authorization": f"Token {token}",
            "Idempotency-Key": key,
        },
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310
            return answer.status, {
                **json.loads(answer.read()),
                "_type": answer.headers["Content-Type"],
            }
    except urllib.error.HTTPError as error:
        return error.code, {
            **json.loads(error.read() or b"{}"),
            "_type": error.headers["Content-Type"],
        }


def report_body(grid: str, photo: bytes, key: str) -> dict[str, Any]:
    return {
        "channel": "grid",
        "category": "land_property",
        "severity": "general",
        "description": f"{TAG} {key}",
        "grid_code": grid,
        "parties": [{"name": "甲某", "side": "applicant"}],
        "photos": [{"name": "scene.png", "data": base64.b64encode(photo).decode()}],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="2m")
    parser.add_argument("--database-url", default=DEFAULT_DB)
    args = parser.parse_args()
    MOUNT.mkdir(exist_ok=True)
    subprocess.run(  # noqa: S603, S607
        ["mount", "-t", "tmpfs", "-o", f"size={args.size}", "tmpfs", str(MOUNT)], check=True
    )
    try:
        return drill(args.database_url)
    finally:
        subprocess.run(["umount", str(MOUNT)], check=False)  # noqa: S603, S607


def drill(database_url: str) -> int:
    benchkit.setup_django_as_server(database_url, ZHENGFA_MEDIA_ROOT=str(MOUNT))
    fixture = intake_fixture()
    server = benchkit.Server(database_url, PORT, ZHENGFA_MEDIA_ROOT=str(MOUNT))
    server.start()
    grid = fixture["grid_codes"][0]
    accepted: dict[int, str] = {}  # dispute id -> sha256 of its photo
    try:
        for n in range(100):
            photo, key = noise_png(n), uuid.uuid4().hex
            status, answer = post(server.url, fixture["token"], report_body(grid, photo, key), key)
            if status != 201:
                break
            accepted[answer["id"]] = hashlib.sha256(photo).hexdigest()
        problems = check_refusal(status, answer, key, accepted)
        freed = _free_space()
        retry_status, _ = post(server.url, fixture["token"], report_body(grid, photo, key), key)
        if retry_status != 201:
            problems.append(f"after freeing {freed} the same request got {retry_status}")
    finally:
        server.stop()
    print(f"{len(accepted)} reports fitted; the next was answered {status} {answer.get('title')}")
    for problem in problems:
        print("FAIL", problem)
    print("OK: 507, nothing half-written, nothing lost" if not problems else "FAILED")
    return 1 if problems else 0


def check_refusal(
    status: int, answer: dict[str, Any], key: str, accepted: dict[int, str]
) -> list[str]:
    from zhengfa.disputes.models import Dispute, DisputePhoto

    problems = []
    if status != 507 or answer["_type"] != "application/problem+json":
        problems.append(f"the report that did not fit got {status} {answer}")
    if Dispute.objects.filter(description=f"{TAG} {key}").exists():
        problems.append("the refused report was stored (half-written)")
    photos = DisputePhoto.objects.filter(dispute_id__in=list(accepted))
    for row in photos:
        path = MOUNT / row.image.name
        if (
            not path.exists()
            or hashlib.sha256(path.read_bytes()).hexdigest() != accepted[row.dispute_id]
        ):
            problems.append(f"the photo of dispute {row.dispute_id} was lost or changed")
    if photos.count() != len(accepted):
        problems.append(f"{len(accepted)} reports acknowledged, {photos.count()} photos stored")
    known = {str(MOUNT / r.image.name) for r in photos}
    strays = [str(p) for p in MOUNT.rglob("*") if p.is_file() and str(p) not in known]
    problems += [f"a file no row names (partial write?): {s}" for s in strays]
    return problems


def _free_space() -> str:
    """Make room as an operator would: grow the volume (a tmpfs grows in place)."""
    subprocess.run(  # noqa: S603, S607
        ["mount", "-o", "remount,size=8m", str(MOUNT)], check=True
    )
    return "the volume grown to 8 MB"


if __name__ == "__main__":
    sys.exit(main())
