"""The platform admin edits the rectification limits (audited); nobody else sees them."""

from __future__ import annotations

from datetime import time

from django.test import Client

from tests.hazards.conftest import Hz
from zhengfa.audit.models import AuditEntry
from zhengfa.hazards.models import RectificationLimit


def test_the_admin_moves_the_same_day_cut_off_and_it_is_audited(hz: Hz) -> None:
    client = Client()
    client.force_login(hz.city.users["platform_admin"])
    major = RectificationLimit.objects.get(severity="major")
    url = f"/admin/hazards/rectificationlimit/{major.pk}/change/"
    form = {
        "severity": "major",
        "same_day": "on",
        "cutoff": "20:00",
        "unit": "days",
        "legal_basis": major.legal_basis,
    }
    assert client.post(url, form).status_code == 302
    assert RectificationLimit.objects.get(pk=major.pk).cutoff == time(20, 0)
    assert AuditEntry.objects.filter(action="hazards.rectificationlimit.change").exists()
    refused = client.post(url, form | {"cutoff": ""})  # same day without a cut-off
    assert refused.status_code == 200 and "cut-off" in refused.content.decode()
    outsider = Client()
    outsider.force_login(hz.commission)
    assert outsider.get(url).status_code in (302, 403)
