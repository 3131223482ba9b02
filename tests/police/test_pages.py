"""The pages: record a call and walk it, a citizen's noise report diverted and closed by
the department, a roster generated and exported, the fraud lookup; outsiders see nothing."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client

from tests.org.mini_city import PASSWORD
from tests.police.conftest import INSIDE_A, PoliceWorld, make_user
from zhengfa.org.roles import Role
from zhengfa.police.models import Incident, Referral, Roster


def _client(user: object) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)  # type: ignore[attr-defined]
    return client


@pytest.mark.django_db
def test_desk_records_a_call_and_keeps_values_on_a_refusal(police: PoliceWorld) -> None:
    client = _client(police.officer)
    bad = client.post(
        "/police/",
        {
            "channel": "call",
            "category": "criminal",
            "description": "入室盗窃",
            "lon": 100,
            "lat": 30,
        },
    )
    assert "outside every grid" in bad.content.decode() and "入室盗窃" in bad.content.decode()
    assert not Incident.objects.exists()
    lon, lat = INSIDE_A
    client.post(
        "/police/",
        {
            "channel": "call",
            "category": "criminal",
            "description": "入室盗窃",
            "lon": lon,
            "lat": lat,
        },
    )
    incident = Incident.objects.get()
    for step in ("dispatch", "arrive", "close"):
        assert client.post(f"/police/incidents/{incident.pk}/{step}/").status_code == 302
    incident.matter.refresh_from_db()
    assert incident.matter.status == "closed"
    outsider = _client(police.outsider)
    assert outsider.get("/police/").content.decode().count("入室盗窃") == 0


@pytest.mark.django_db
def test_noise_report_is_told_where_it_went_and_closed_by_the_department(
    police: PoliceWorld,
) -> None:
    lon, lat = INSIDE_A
    page = _client(police.citizen).post(
        "/police/report/",
        {"category": "non_police", "description": "楼下噪音扰民", "lon": lon, "lat": lat},
    )
    assert "鹤岗市生态环境局" in page.content.decode()
    referral = Referral.objects.get()
    liaison = _client(police.liaison)
    assert "楼下噪音扰民" in liaison.get("/police/referrals/").content.decode()
    other = make_user("other-liaison", Role.DEPT_LIAISON, police.city.centres["230403"])
    assert (
        _client(other).post(f"/police/referrals/{referral.pk}/close/", {"outcome": "x"}).status_code
        == 404
    )
    liaison.post(f"/police/referrals/{referral.pk}/close/", {"outcome": "已处理"})
    referral.matter.refresh_from_db()
    assert referral.matter.status == "closed"


@pytest.mark.django_db
def test_roster_generated_shown_and_exported(police: PoliceWorld) -> None:
    for n in range(5):
        make_user(f"officer-{n}", Role.POLICE_OFFICER, police.officer.unit)
    client = _client(police.officer)
    refused = client.post(
        "/police/rosters/", {"starts_on": "2026-11-16", "min_cover_blocks": 6, "min_on_duty": 1}
    )
    assert "minimum cover per beat" in refused.content.decode()
    assert not Roster.objects.exists()
    done = client.post(
        "/police/rosters/", {"starts_on": "2026-11-16", "min_cover_blocks": 1, "min_on_duty": 1}
    )
    roster = Roster.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/police/rosters/{roster.pk}/"
    assert client.get(done["Location"]).status_code == 200
    layer = client.get(f"/api/v1/police/rosters/{roster.pk}/map?at=2026-11-16T20:30:00%2B08:00")
    features = layer.json()["features"]
    assert len(features) == 8 and any(f["properties"]["officers"] for f in features)
    export = client.get(f"/police/rosters/{roster.pk}/export.csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(export)))
    assert rows[0][0] == "日期 date" and len(rows) == roster.shifts.count() + 1
    outsider = _client(police.outsider)
    assert outsider.get(f"/police/rosters/{roster.pk}/").status_code == 404
    assert outsider.get(f"/api/v1/police/rosters/{roster.pk}/map").status_code == 404


@pytest.mark.django_db
def test_an_officer_warns_his_county_and_an_outsider_county_is_refused(
    police: PoliceWorld,
) -> None:
    from zhengfa.police.models import FraudWarning

    client = _client(police.officer)
    page = client.get("/police/fraud/").content.decode()
    assert 'id="warn"' in page and 'value="230402"' in page
    refused = client.post(
        "/police/fraud/warn/", {"region": "230403", "scam_type": "loan", "text": "警惕虚假贷款"}
    )
    assert refused.status_code == 422 and "警惕虚假贷款" in refused.content.decode()
    assert not FraudWarning.objects.exists()
    done = client.post(
        "/police/fraud/warn/", {"region": "230402", "scam_type": "loan", "text": "警惕虚假贷款"}
    )
    assert done.status_code == 302 and FraudWarning.objects.get().region_id == "230402"
    assert 'id="warn"' not in _client(police.citizen).get("/police/fraud/").content.decode()
