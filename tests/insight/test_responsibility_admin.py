"""The admin sets targets through the service: checked (errors shown, values kept) and
audited; stored scores are read-only there."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.insight.test_responsibility_scoring import YEAR, responsible_units
from tests.org.mini_city import MiniCity
from zhengfa.audit.models import AuditEntry
from zhengfa.insight.responsibility.models import Target
from zhengfa.org.roles import Role

pytestmark = pytest.mark.django_db
ADD = "/admin/insight_responsibility/target/add/"


def test_the_admin_refuses_a_bad_target_and_saves_a_good_one(mini_city: MiniCity) -> None:
    unit = responsible_units(mini_city)[1]
    client = Client()
    client.force_login(mini_city.users[Role.PLATFORM_ADMIN])
    form = {
        "unit": unit.pk,
        "year": YEAR,
        "indicator": "mediation_success",
        "target_value": "150",
        "weight": "20",
        "tolerance": "10",
    }
    refused = client.post(ADD, form)
    assert refused.status_code == 200
    assert "between 0 and 100" in refused.content.decode()
    assert 'value="150"' in refused.content.decode()
    assert not Target.objects.exists()
    saved = client.post(ADD, {**form, "target_value": "88"})
    assert saved.status_code == 302
    target = Target.objects.get()
    assert (target.unit, str(target.target_value), target.weight) == (unit, "88.00", 20)
    assert AuditEntry.objects.filter(action="responsibility.target_set").count() == 1
    assert client.get("/admin/insight_responsibility/unitscore/add/").status_code == 403
