"""What the hazards tests count to prove a refused call wrote nothing."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from zhengfa.audit.models import AuditEntry
from zhengfa.flow.models import Clock, Matter
from zhengfa.hazards.models import Hazard, HazardPhoto, Inspection, Rectification, Verification


def footprint() -> dict[str, int]:
    files = sum(1 for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file())
    models = (Matter, Clock, Hazard, HazardPhoto, Inspection, Rectification, Verification)
    counts = {m.__name__: m.objects.count() for m in models}
    return {**counts, "audit": AuditEntry.objects.count(), "files": files}
