"""The service hall's pages: apply, track without login, staff desk, large text, sign-up."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.test import Client

from tests.org.mini_city import COUNTY_A, PASSWORD, MiniCity
from tests.portal.conftest import PHONE, pdf
from zhengfa.audit.models import AuditEntry
from zhengfa.org.models import User
from zhengfa.org.roles import Role
from zhengfa.portal.models import Application, AppStatus

SH = ZoneInfo("Asia/Shanghai")
TOWNSHIP = f"{COUNTY_A}001"


def _apply(client: Client, code: str = "hh-cert", **extra: object) -> object:
    form = client.get(f"/portal/items/{code}/apply/")
    key = form.context["form"].initial["idempotency_key"]
    data = {
        "name": "王五",
        "phone": PHONE,
        "region": TOWNSHIP,
        "details": "",
        "idempotency_key": key,
        "attachments": [pdf()],
    } | extra
    return client.post(f"/portal/items/{code}/apply/", data)


def test_catalogue_and_item_pages(db: None) -> None:
    client = Client()
    index = client.get("/portal/?q=护照")
    assert index.status_code == 200 and "普通护照换发" in index.content.decode()
    page = client.get("/portal/items/id-temp/").content.decode()
    assert "临时居民身份证" in page and 'id="record"' in page
    assert client.get("/portal/items/no-such/").status_code == 404


@time_machine.travel(datetime(2026, 3, 10, 9, 0, tzinfo=SH), tick=False)
def test_apply_track_and_process(mini_city: MiniCity) -> None:
    citizen = Client()
    response = _apply(citizen)
    application = Application.objects.get()
    assert response.status_code == 302 and application.receipt in response["Location"]
    assert application.receipt in citizen.get(response["Location"]).content.decode()
    stranger = Client()  # without the lookup, the progress page sends to the lookup form
    assert stranger.get(response["Location"])["Location"] == "/portal/track/"
    wrong = stranger.post(
        "/portal/track/", {"receipt": application.receipt, "phone": "13800000000"}
    )
    assert wrong.status_code == 200 and "form-errors" in wrong.content.decode()
    right = stranger.post("/portal/track/", {"receipt": application.receipt, "phone": PHONE})
    assert right.status_code == 302
    officer, outsider = Client(), Client()
    officer.login(username=f"{Role.POLICE_OFFICER}-{COUNTY_A}", password=PASSWORD)
    outsider.login(username=f"{Role.POLICE_OFFICER}-230403", password=PASSWORD)
    rows = AuditEntry.objects.count()
    assert outsider.post(f"/portal/desk/{application.pk}/", {"action": "accept"}).status_code == 404
    assert (
        outsider.get(f"/portal/desk/files/{application.attachments.get().pk}/").status_code == 404
    )
    assert AuditEntry.objects.count() == rows
    desk = officer.get("/portal/desk/").content.decode()
    assert application.receipt in desk and "王五" not in desk
    officer.post(f"/portal/desk/{application.pk}/", {"action": "accept", "text": ""})
    officer.post(f"/portal/desk/{application.pk}/", {"action": "complete", "text": "已出具证明"})
    application.refresh_from_db()
    assert application.status == AppStatus.DONE and application.within_limit
    file = officer.get(f"/portal/desk/files/{application.attachments.get().pk}/")
    assert (
        file.status_code == 200
        and AuditEntry.objects.filter(action="portal.attachment.view").exists()
    )
    rated = stranger.post(f"/portal/track/{application.receipt}/", {"stars": "4"})
    assert rated.status_code == 302
    application.refresh_from_db()
    assert application.rating == 4
    page = Client().get("/portal/items/hh-cert/").content.decode()
    assert "100%" in page


@time_machine.travel(datetime(2026, 3, 10, 9, 0, tzinfo=SH), tick=False)
def test_bad_input_keeps_the_values_and_names_the_field(mini_city: MiniCity) -> None:
    response = _apply(Client(), phone="12", name="赵六")
    page = response.content.decode()
    assert response.status_code == 400 and 'value="赵六"' in page and "field-error" in page
    assert not Application.objects.exists()


def test_large_text_mode_is_a_cookie(db: None) -> None:
    client = Client()
    response = client.post("/portal/text-size/", {"large": "1", "next": "/portal/"})
    assert response.status_code == 302
    assert "large-text" in client.get("/portal/").content.decode()
    evil = client.post("/portal/text-size/", {"large": "0", "next": "https://evil.example/"})
    assert evil["Location"] == "/portal/"


def test_sign_up_makes_a_citizen_who_sees_only_their_own(mini_city: MiniCity) -> None:
    client = Client()
    response = client.post(
        "/portal/signup/",
        {"username": "wangwu", "full_name": "王五", "region": TOWNSHIP, "password": "k7#pQ9!zLm"},
    )
    assert response.status_code == 302
    user = User.objects.get(username="wangwu")
    assert user.role == Role.CITIZEN and user.region_id == TOWNSHIP
    assert client.get("/portal/mine/").status_code == 200
    assert client.get("/portal/desk/").content.decode().count("<tr>") == 2  # header + "nothing"


def test_mediation_and_case_filing_hand_over_to_their_domains_pages(db: None) -> None:
    page = Client().get("/portal/items/legal-mediation/").content.decode()
    assert 'href="/disputes/report/"' in page
    assert Client().get("/portal/items/legal-mediation/apply/").status_code == 404
    filing = Client().get("/portal/items/court-filing/").content.decode()
    assert 'href="/courts/filings/new/"' in filing


def test_two_drivers_settle_an_accident_through_the_pages(mini_city: MiniCity) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from zhengfa.org.models import Grid
    from zhengfa.portal.models import Accident, AccidentStatus

    grid = Grid.objects.filter(region__code__startswith=COUNTY_A).order_by("code").first()
    assert grid is not None

    def fields(prefix: str, phone: str, plate: str, fault: str) -> dict[str, object]:
        data = {
            "plate": plate,
            "insurer": "平安产险",
            "policy_no": "P-1",
            "phone": phone,
            "lat": grid.centroid_lat,
            "lon": grid.centroid_lon,
            "situation": "reversing",
            "fault": fault,
            "photos": [SimpleUploadedFile("a.jpg", b"\xff\xd8\xff\xe0x")],
        }
        return {f"{prefix}{k}": v for k, v in data.items()}

    a, b = Client(), Client()
    reported = a.post("/portal/accidents/", fields("", "13911112222", "黑D11111", "self"))
    accident = Accident.objects.get()
    join_code = reported.context["join_code"]
    joined = b.post(
        f"/portal/accidents/{accident.code}/",
        fields("join-", "13933334444", "黑D22222", "other") | {"join-join_code": join_code},
    )
    assert joined.status_code == 302
    for client, side, phone in ((a, "a", "13911112222"), (b, "b", "13933334444")):
        answer = {"answer-side": side, "answer-phone": phone, "answer-agree": "yes"}
        assert client.post(f"/portal/accidents/{accident.code}/", answer).status_code == 302
    accident.refresh_from_db()
    assert accident.status == AccidentStatus.AGREED and accident.at_fault == "a"
    document = a.get(f"/portal/accidents/{accident.code}/document/?format=json").json()
    assert {p["plate"] for p in document["parties"]} == {"黑D11111", "黑D22222"}
    assert Client().get(f"/portal/accidents/{accident.code}/document/").status_code == 404
