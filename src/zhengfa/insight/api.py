"""/api/v1/insight/: read-only figures over every matter, scoped to the caller's area."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["insight"])
