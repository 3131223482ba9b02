"""The disputes pages with Django's test client: a report from the phone page, a refused
report that keeps what was typed, the outsider's 404."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.disputes.conftest import DisputeCity, png_bytes
from zhengfa.disputes.models import Dispute


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _form(dc: DisputeCity, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "category": "family_neighbour",
        "severity": "general",
        "description": "院墙漏水",
        "amount": "20000",
        "grid_code": dc.grid.code,
        "party0_name": "张三",
        "party0_side": "applicant",
        "party1_name": "李四",
        "party1_side": "respondent",
        "photos": SimpleUploadedFile("a.png", png_bytes(), content_type="image/png"),
    }
    data.update(changes)
    return data


def test_a_report_from_the_page_is_routed(dc: DisputeCity) -> None:
    response = _client(dc.grid_worker).post("/disputes/report/", _form(dc))
    assert response.status_code == 302, response.content.decode()[-3000:]
    dispute = Dispute.objects.get()
    assert response["Location"] == f"/disputes/{dispute.pk}/"
    page = _client(dc.grid_worker).get(response["Location"]).content.decode()
    assert dc.village_committee.name in page and "属地调" in page


def test_a_refused_report_keeps_the_values(dc: DisputeCity) -> None:
    fake = SimpleUploadedFile("fake.png", b"not an image", content_type="image/png")
    response = _client(dc.grid_worker).post("/disputes/report/", _form(dc, photos=fake))
    page = response.content.decode()
    assert response.status_code == 200 and "not an image" in page
    assert "院墙漏水" in page and "张三" in page
    assert not Dispute.objects.exists()


def test_the_outsider_gets_404(dc: DisputeCity) -> None:
    _client(dc.grid_worker).post("/disputes/report/", _form(dc))
    pk = Dispute.objects.get().pk
    assert _client(dc.outsider).get(f"/disputes/{pk}/").status_code == 404
    assert "院墙漏水" not in _client(dc.outsider).get("/disputes/").content.decode()
