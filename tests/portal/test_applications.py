"""Applications on the flow engine's clock: submit, accept, material, done, rating."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.org.mini_city import COUNTY_A, MiniCity
from tests.portal.conftest import PHONE, pdf
from zhengfa.audit.models import AuditEntry
from zhengfa.flow.models import Clock, ClockState, Matter
from zhengfa.flow.notices import MemorySmsBackend
from zhengfa.org.roles import Role
from zhengfa.portal import services
from zhengfa.portal.models import Application, AppStatus, Attachment, ServiceItem
from zhengfa.portal.services import Submission

SH = ZoneInfo("Asia/Shanghai")
TOWNSHIP = f"{COUNTY_A}001"
TUESDAY = datetime(2026, 3, 10, 9, 0, tzinfo=SH)


def submit(code: str = "crim-cert", key: str = "", **extra: object) -> Application:
    fields: dict[str, object] = {
        "item": ServiceItem.objects.get(code=code),
        "region_code": TOWNSHIP,
        "name": "张三",
        "phone": PHONE,
        "details": "出国留学",
        "idempotency_key": key,
    }
    fields.update(extra)
    application, _ = services.application_submit(
        actor=None,
        submission=Submission(**fields),  # type: ignore[arg-type]
        files=[pdf()],
    )
    return application


def _overall(application: Application) -> Clock:
    return Clock.objects.get(matter_id=application.pk, purpose="overall")


@pytest.mark.django_db
def test_the_shipped_catalogue_has_60_items_each_with_its_source() -> None:
    items = list(ServiceItem.objects.all())
    assert len(items) >= 60
    assert all(item.time_source and item.time_amount > 0 for item in items)
    codes = {item.code for item in items}
    assert {"id-temp", "hh-cert", "crim-cert", "legal-aid", "court-filing"} <= codes
    over_60 = [i for i in items if i.min_age == 60]
    assert over_60 and all("免照片" in i.name_zh for i in over_60)
    temp = ServiceItem.objects.get(code="id-temp")
    assert (temp.time_amount, temp.time_unit) == (5, "minutes")


@time_machine.travel(TUESDAY, tick=False)
def test_submit_opens_a_matter_with_the_items_time_and_tells_the_applicant(
    mini_city: MiniCity, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        application = submit()
    matter = Matter.objects.get(pk=application.pk)
    assert matter.kind == "portal_service" and matter.unit.code == f"{COUNTY_A}-PCS"
    clock = _overall(application)
    assert (clock.period_amount, clock.period_unit) == (3, "workdays")
    assert clock.due_on == date(2026, 3, 13)  # three working days after Tuesday
    assert application.receipt.startswith("SQ20260310")
    assert application.phone_masked == "139****5678" and PHONE not in application.phone
    assert Attachment.objects.get(application=application).content_type == "application/pdf"
    assert [s.status for s in application.steps.all()] == [AppStatus.RECEIVED]
    assert MemorySmsBackend.outbox[-1][0] == PHONE
    assert application.receipt in MemorySmsBackend.outbox[-1][1]
    row = AuditEntry.objects.get(action="portal.application.submit")
    assert PHONE not in row.new_json and row.personal  # sealed, not in clear


@time_machine.travel(TUESDAY, tick=False)
def test_officer_processes_it_material_pauses_the_clock_and_it_ends_within_limit(
    mini_city: MiniCity,
) -> None:
    officer = mini_city.users[Role.POLICE_OFFICER]
    application = submit()
    services.application_accept(actor=officer, application=application)
    assert Matter.objects.get(pk=application.pk).owner == officer
    with time_machine.travel(datetime(2026, 3, 11, 10, 0, tzinfo=SH), tick=False):
        services.application_request_material(
            actor=officer, application=application, missing="用途证明原件"
        )
    assert _overall(application).state == ClockState.PAUSED
    with time_machine.travel(datetime(2026, 3, 12, 10, 0, tzinfo=SH), tick=False):
        services.application_supply_material(
            application=application, phone="+86 139 1234 5678", files=[pdf("proof.pdf")]
        )
        services.application_resume(actor=officer, application=application)
    clock = _overall(application)
    assert clock.state == ClockState.RUNNING
    assert clock.due_on == date(2026, 3, 17)  # the 11th and 12th did not count
    with time_machine.travel(datetime(2026, 3, 16, 15, 0, tzinfo=SH), tick=False):
        services.application_complete(actor=officer, application=application, outcome="已出具")
    application.refresh_from_db()
    assert application.status == AppStatus.DONE and application.within_limit is True
    assert application.paused_seconds == 2 * 86400
    statuses = [s.status for s in application.steps.all()]
    assert statuses[0] == AppStatus.RECEIVED and statuses[-1] == AppStatus.DONE
    services.application_rate(application=application, phone=PHONE, stars=5, comment="快")
    with pytest.raises(ValidationError, match="already rated"):
        services.application_rate(application=application, phone=PHONE, stars=1)


@time_machine.travel(TUESDAY, tick=False)
def test_an_officer_of_another_county_changes_nothing(mini_city: MiniCity) -> None:
    application = submit()
    outsider = mini_city.outsiders[Role.POLICE_OFFICER]
    audit_rows, version = AuditEntry.objects.count(), Matter.objects.get(pk=application.pk).version
    with pytest.raises(PermissionDenied):
        services.application_accept(actor=outsider, application=application)
    application.refresh_from_db()
    assert application.status == AppStatus.RECEIVED
    assert Matter.objects.get(pk=application.pk).version == version
    assert AuditEntry.objects.count() == audit_rows
    assert not Application.objects.for_user(outsider).exists()
    assert Application.objects.for_user(mini_city.users[Role.POLICE_OFFICER]).count() == 1


@time_machine.travel(TUESDAY, tick=False)
def test_the_wrong_phone_neither_rates_nor_supplies(mini_city: MiniCity) -> None:
    application = submit()
    with pytest.raises(PermissionDenied):
        services.application_supply_material(
            application=application, phone="13800000000", files=[pdf()]
        )
    assert application.attachments.count() == 1


@time_machine.travel(TUESDAY, tick=False)
def test_a_retried_submission_with_the_same_key_is_filed_once(mini_city: MiniCity) -> None:
    first = submit(key="web:abc-123")
    second = submit(key="web:abc-123")
    assert first.pk == second.pk
    assert Application.objects.count() == Matter.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "content"),
    [("virus.pdf", b"MZ\x90\x00not a pdf"), ("big.png", b"\x89PNG\r\n\x1a\n" + b"0" * 6_000_000)],
)
@time_machine.travel(TUESDAY, tick=False)
def test_bad_files_are_refused_and_nothing_is_stored(
    mini_city: MiniCity, name: str, content: bytes
) -> None:
    upload = SimpleUploadedFile(name, content)
    submission = Submission(
        item=ServiceItem.objects.get(code="hh-cert"),
        region_code=TOWNSHIP,
        name="李四",
        phone=PHONE,
    )
    with pytest.raises(ValidationError) as caught:
        services.application_submit(actor=None, submission=submission, files=[upload])
    assert "files" in caught.value.message_dict
    assert "PDF" in caught.value.message_dict["files"][0]
    assert not Application.objects.exists() and not Matter.objects.exists()


@time_machine.travel(TUESDAY, tick=False)
def test_a_minute_item_cannot_pause(mini_city: MiniCity) -> None:
    officer = mini_city.users[Role.POLICE_OFFICER]
    application = submit("lost-id-proof")
    services.application_accept(actor=officer, application=application)
    with pytest.raises(ValidationError, match="cannot be paused"):
        services.application_request_material(
            actor=officer, application=application, missing="户口簿"
        )
    assert _overall(application).state == ClockState.RUNNING
    application.refresh_from_db()
    assert application.status == AppStatus.PROCESSING


@pytest.mark.parametrize(
    ("code", "extra", "field"),
    [
        ("ee-passport-60", {"birth_date": date(1980, 1, 1)}, "birth_date"),
        ("ee-passport-60", {}, "birth_date"),
        ("legal-mediation", {}, "item"),
        ("crim-cert", {"region_code": "9999"}, "region"),
        ("crim-cert", {"phone": "12345"}, "phone"),
        ("crim-cert", {"name": " "}, "name"),
    ],
)
@time_machine.travel(TUESDAY, tick=False)
def test_bad_input_names_the_field(
    mini_city: MiniCity, code: str, extra: dict[str, object], field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        submit(code, **extra)
    assert field in caught.value.message_dict
    assert not Application.objects.exists()
