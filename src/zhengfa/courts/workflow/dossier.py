"""The electronic dossier (电子卷宗随案同步生成): every stage adds its documents as it
happens. Uploads are checked against their extension (the first bytes must be what the
extension says), kept with their SHA-256 and never overwritten: the same name again is a
new version. The platform's own notices are rendered from templates."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import PurePosixPath
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string

from zhengfa.courts.models import CourtCase, DossierFile, DossierKind, FilingAttachment
from zhengfa.courts.workflow.common import audit, require_change
from zhengfa.flow.common import invalid, now

MAX_BYTES = 20 * 1024 * 1024
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    ".pdf": (b"%PDF-",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".zip": (b"PK\x03\x04",),
    ".ofd": (b"PK\x03\x04",),  # 版式文件 (GB/T 33190) is a ZIP container
}
TEXT_EXTENSIONS = (".txt", ".html")
TEMPLATES = {
    "acceptance": "受理案件通知书 Acceptance notice",
    "summons": "传票 Summons",
    "service_record": "送达回证 Service record",
    "judgment": "裁判文书 Judgment",
    "transfer_letter": "上诉案件移送函 Appeal transfer letter",
}


def check_content(name: str, content: bytes) -> str:
    """The extension, if the content is what it says; else a field error naming both."""
    extension = PurePosixPath(name).suffix.lower()
    accepted = ", ".join((*SIGNATURES, *TEXT_EXTENSIONS))
    if not name.strip() or "/" in name or "\\" in name or len(name) > 160:
        raise invalid("name", "a plain file name of at most 160 characters")
    if extension not in SIGNATURES and extension not in TEXT_EXTENSIONS:
        raise invalid(
            "name", f"extension {extension or '(none)'} not accepted; accepted: {accepted}"
        )
    if not content or len(content) > MAX_BYTES:
        raise invalid("content", f"a file of 1 byte to {MAX_BYTES // (1024 * 1024)} MB")
    if extension in SIGNATURES and not content.startswith(SIGNATURES[extension]):
        raise invalid(
            "content", f"the content is not a {extension} file (its first bytes say otherwise)"
        )
    if extension in TEXT_EXTENSIONS and not _is_text(content):
        raise invalid("content", f"the content is not UTF-8 text, as {extension} says")
    return extension


def _is_text(content: bytes) -> bool:
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return b"\x00" not in content


def _store(actor: Any, case: CourtCase, name: str, content: bytes, kind: str) -> DossierFile:
    latest = DossierFile.objects.filter(case=case, name=name).aggregate(v=Max("version"))["v"]
    stored = DossierFile.objects.create(
        case=case,
        name=name,
        version=(latest or 0) + 1,
        kind=kind,
        stage=case.matter.stage,
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        added_by=actor if getattr(actor, "pk", None) else None,
        added_at=now(),
    )
    audit(
        actor=actor,
        action="dossier.add",
        subject=stored,
        new={"case": case.number, "name": name, "version": stored.version, "sha256": stored.sha256},
    )
    return stored


def dossier_upload(*, actor: Any, case: CourtCase, name: str, content: bytes) -> DossierFile:
    """Add a file (a new version if the name exists); refused if it is not what it says."""
    require_change(actor, case.matter)
    check_content(name, content)
    with transaction.atomic():
        return _store(actor, case, name.strip(), content, DossierKind.UPLOADED)


def dossier_add_from_filing(
    *, actor: Any, case: CourtCase, attachment: FilingAttachment
) -> DossierFile:
    """A complaint's attachment joins the dossier at acceptance (in the caller's
    transaction; it was checked when it was submitted)."""
    return _store(actor, case, attachment.name, bytes(attachment.content), DossierKind.UPLOADED)


def dossier_add_received(*, actor: Any, case: CourtCase, name: str, content: bytes) -> DossierFile:
    """A document that arrives with the case from another body (a mediation agreement sent
    for confirmation), checked like an upload, in the caller's transaction."""
    check_content(name, content)
    return _store(actor, case, name.strip(), content, DossierKind.UPLOADED)


def dossier_generate(
    *, actor: Any, case: CourtCase, template: str, context: dict[str, Any] | None = None
) -> DossierFile:
    """Render one of the platform's notices into the dossier (in the caller's transaction)."""
    if template not in TEMPLATES:
        raise invalid("template", f"accepted: {', '.join(TEMPLATES)}")
    html = render_to_string(
        f"courts/documents/{template}.html",
        {"case": case, "title": TEMPLATES[template], **(context or {})},
    )
    return _store(actor, case, f"{template}.html", html.encode(), DossierKind.GENERATED)


def dossier_zip(case: CourtCase) -> bytes:
    """The whole dossier as one ZIP: every version, and 目录.txt listing them in order with
    their stage, size and SHA-256 (a reader can check each file against its line)."""
    files = list(DossierFile.objects.filter(case=case).order_by("added_at", "pk"))
    lines = [f"{case.number} 电子卷宗目录 Table of contents", ""]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for n, item in enumerate(files, start=1):
            stem, suffix = PurePosixPath(item.name).stem, PurePosixPath(item.name).suffix
            stored_name = f"{n:03d}_{stem}_v{item.version}{suffix}"
            archive.writestr(stored_name, bytes(item.content))
            lines.append(
                f"{n:03d}\t{stored_name}\t{item.stage}\t{item.get_kind_display()}\t"
                f"{item.size} B\tsha256 {item.sha256}\t{item.added_at:%Y-%m-%d %H:%M}"
            )
        archive.writestr("000_目录.txt", "\n".join(lines) + "\n")
    return buffer.getvalue()
