"""The hazards pages: the inspection form records findings and keeps what was typed when
refused; the hazard page rectifies and verifies; the ledger and map pages; outsiders 404."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.hazards.conftest import Hz, jpeg
from tests.hazards.helpers import footprint
from zhengfa.flow.models import Matter
from zhengfa.hazards.models import Hazard


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _form(hz: Hz, **extra: object) -> dict[str, object]:
    items = list(hz.campaign.items.all())
    data: dict[str, object] = {
        "grid": hz.grid.code,
        "site": "向阳超市",
        "lon": hz.grid.centroid_lon,
        "lat": hz.grid.centroid_lat,
        "note": "",
    }
    for n, item in enumerate(items):
        data[f"result_{item.pk}"] = "hazard" if n == 0 else "ok"
        data[f"severity_{item.pk}"] = "major"
        data[f"description_{item.pk}"] = "安全出口被锁" if n == 0 else ""
        data[f"party_{item.pk}"] = ""
    data[f"photos_{items[0].pk}"] = SimpleUploadedFile("p.jpg", jpeg(), "image/jpeg")
    data.update(extra)
    return data


def test_an_inspection_on_the_page_opens_a_hazard(hz: Hz) -> None:
    client = _client(hz.worker)
    url = f"/hazards/campaigns/{hz.campaign.pk}/inspect/"
    page = client.get(url)
    assert page.status_code == 200 and "疏散通道" in page.content.decode()
    answer = client.post(url, _form(hz))
    hazard = Hazard.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/hazards/{hazard.pk}/"
    assert hazard.responsible_party == "向阳超市"  # the site, when no party is named
    assert hazard.photos.count() == 1
    detail = client.get(answer["Location"]).content.decode()
    assert "安全出口被锁" in detail and "23:59" in detail
    photo_url = f"/hazards/{hazard.pk}/photos/{hazard.photos.get().pk}"
    assert photo_url in detail
    image = client.get(photo_url)
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    assert _client(hz.outsider_operator).get(photo_url).status_code == 404


def test_a_point_outside_every_grid_is_refused_and_the_form_keeps_its_values(hz: Hz) -> None:
    client = _client(hz.worker)
    before = footprint()
    answer = client.post(
        f"/hazards/campaigns/{hz.campaign.pk}/inspect/", _form(hz, lon=120.0, lat=30.0)
    )
    text = answer.content.decode()
    assert answer.status_code == 200 and "outside every grid" in text
    assert "安全出口被锁" in text and 'value="向阳超市"' in text
    assert footprint() == before


def test_rectify_and_verify_on_the_hazard_page(hz: Hz) -> None:
    _client(hz.worker).post(f"/hazards/campaigns/{hz.campaign.pk}/inspect/", _form(hz))
    hazard = Hazard.objects.get()
    photo = SimpleUploadedFile("after.jpg", jpeg(), "image/jpeg")
    worker = _client(hz.worker)
    answer = worker.post(
        f"/hazards/{hazard.pk}/rectify/", {"version": 1, "measures": "已打开", "photos": photo}
    )
    assert answer.status_code == 302
    refused = worker.post(f"/hazards/{hazard.pk}/verify/", {"version": 2, "passed": "1"})
    assert refused.status_code == 422 and "verification by someone else" in refused.content.decode()
    ok = _client(hz.operator).post(f"/hazards/{hazard.pk}/verify/", {"version": 2, "passed": "1"})
    assert ok.status_code == 302
    assert Matter.objects.get(pk=hazard.pk).status == "closed"


def test_outsiders_get_404_and_change_nothing(hz: Hz) -> None:
    _client(hz.worker).post(f"/hazards/campaigns/{hz.campaign.pk}/inspect/", _form(hz))
    hazard = Hazard.objects.get()
    outsider = _client(hz.outsider_operator)
    before = footprint()
    assert outsider.get(f"/hazards/{hazard.pk}/").status_code == 404
    assert outsider.get(f"/hazards/campaigns/{hz.campaign.pk}/inspect/").status_code == 404
    photo = SimpleUploadedFile("after.jpg", jpeg(), "image/jpeg")
    rectify = {"version": 1, "measures": "x", "photos": photo}
    assert outsider.post(f"/hazards/{hazard.pk}/rectify/", rectify).status_code == 404
    ledger = outsider.get("/hazards/ledger/").content.decode()
    assert "安全出口被锁" not in ledger
    assert footprint() == before


def test_ledger_and_map_pages(hz: Hz) -> None:
    _client(hz.worker).post(f"/hazards/campaigns/{hz.campaign.pk}/inspect/", _form(hz))
    client = _client(hz.commission)
    ledger = client.get("/hazards/ledger/?level=grid").content.decode()
    assert "安全出口被锁" in ledger and hz.grid.code in ledger
    assert "每一项都有负责人" in ledger
    assert client.get("/hazards/map/").status_code == 200
    assert client.get("/hazards/").status_code == 200


def test_the_commission_plans_a_campaign_on_its_page(hz: Hz) -> None:
    client = _client(hz.commission)
    assert 'value="230402"' in client.get("/hazards/campaigns/new/").content.decode()
    data = {
        "theme": "campus",
        "name": "秋季开学校园周边安全专项行动",
        "region": "230402",
        "starts_on": "2026-11-10",
        "ends_on": "2026-11-01",
        "lead_unit": "230402-ZZZX",
        "units": ["230402-ZZZX", "230402-PCS"],
        "sites": "第一小学\n第二中学",
        "items": "",
    }
    before = footprint()
    refused = client.post("/hazards/campaigns/new/", data)
    text = refused.content.decode()
    assert "ends before it starts" in text and "秋季开学校园周边安全专项行动" in text
    assert footprint() == before
    answer = client.post("/hazards/campaigns/new/", data | {"ends_on": "2026-12-10"})
    assert answer.status_code == 302
    from zhengfa.hazards.models import Campaign

    campaign = Campaign.objects.get(theme__code="campus")
    assert campaign.sites == ["第一小学", "第二中学"] and campaign.items.count() == 5
    assert _client(hz.worker).get("/hazards/campaigns/new/").status_code == 403
