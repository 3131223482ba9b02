"""A person's data exported from every app that holds it, and erased where the law allows
(crypto-shredding), refused while a matter is open or within its retention period."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from tests.courts.test_workflow import PLAINTIFF, accepted_case
from tests.courts.world import Courts
from tests.disputes.conftest import DisputeCity
from tests.pii.fixtures import OTHER_ID, VALID_ID
from tests.portal.test_applications import submit as portal_submit
from zhengfa.audit.models import AuditEntry
from zhengfa.audit.verify import verify_log
from zhengfa.disputes.models import Dispute
from zhengfa.disputes.services.intake import PartyInput, dispute_report
from zhengfa.disputes.services.petitions import petition_receive
from zhengfa.flow.models import Matter
from zhengfa.org.models import User
from zhengfa.org.roles import Role
from zhengfa.pii.envelope import PersonalDataErased, open_personal
from zhengfa.pii.export import person_by_id_number, person_export
from zhengfa.pii.models import Person
from zhengfa.pii.services import ErasureRefused, person_erase_key

ZHANG = PartyInput(name="张三", side="applicant", id_number=VALID_ID, phone="13812345678")


def _dispute(dc: DisputeCity, *parties: PartyInput) -> Dispute:
    return dispute_report(
        actor=dc.grid_worker,
        channel="grid",
        category="family_neighbour",
        severity="general",
        description="两户因院墙漏水发生争执",
        grid_code=dc.grid.code,
        parties=parties,
    )


def _admin(dc: DisputeCity) -> Any:
    return dc.city.users[Role.PLATFORM_ADMIN]


def _close(dispute: Dispute, years_ago: float) -> None:
    closed = timezone.now() - timedelta(days=365.25 * years_ago)
    Matter.objects.filter(pk=dispute.matter_id).update(closed_at=closed, status="closed")


def _run(*args: str) -> str:
    out = StringIO()
    call_command("pii", *args, stdout=out)
    return out.getvalue()


def test_an_export_has_the_person_in_every_section_and_nobody_else(
    dc: DisputeCity, tmp_path: Path, settings: Any
) -> None:
    settings.SMS_BACKEND = "zhengfa.flow.notices.MemorySmsBackend"
    first = _dispute(dc, ZHANG, PartyInput(name="李四", side="respondent", id_number=OTHER_ID))
    second = _dispute(dc, ZHANG, PartyInput(name="王五", side="respondent"))
    mine = portal_submit(name="张三", phone=ZHANG.phone, details="出国留学")
    portal_submit(name="孙七", phone="13700001111", details="他人的申请")
    petition_receive(
        actor=dc.centre_operator, form="visit", complainant_name="赵六", request="要求解决补偿"
    )
    out = tmp_path / "zhang.json"
    printed = _run(
        "export", "--id-number", VALID_ID, "--actor", _admin(dc).username,
        "--reason", "申请编号 DSR-2026-001", "--out", str(out),
    )  # fmt: skip
    assert "disputes.parties 2, portal.applications 1" in printed
    export = json.loads(out.read_text(encoding="utf-8"))
    assert export["person"]["id_number"] == VALID_ID
    assert export["person"]["phone"] == "13812345678"
    parties = export["sections"]["disputes.parties"]["records"]
    assert {r["matter"] for r in parties} == {first.matter_id, second.matter_id}
    applications = export["sections"]["portal.applications"]["records"]
    assert [(a["receipt"], a["phone"]) for a in applications] == [(mine.receipt, ZHANG.phone)]
    assert set(export["sections"]) == {"disputes.parties", "portal.applications"}
    text = out.read_text(encoding="utf-8") + out.with_suffix(".txt").read_text(encoding="utf-8")
    for other in ("李四", OTHER_ID, "王五", "赵六", "要求解决补偿", "孙七", "他人的申请"):
        assert other not in text
    assert "张三" in out.with_suffix(".txt").read_text(encoding="utf-8")
    audit = AuditEntry.objects.get(action="pii.export")
    assert audit.new == {"sections": {"disputes.parties": 2, "portal.applications": 1}}
    assert VALID_ID not in json.dumps(audit.new) + audit.reason


def test_a_petition_is_in_its_complainants_export(dc: DisputeCity) -> None:
    petition = petition_receive(
        actor=dc.centre_operator, form="visit", complainant_name="赵六", request="要求解决补偿"
    )
    export = person_export(actor=_admin(dc), person=petition.complainant, reason="DSR-2")
    records = export["sections"]["disputes.petitions"]["records"]
    assert [(r["receipt_number"], r["request"]) for r in records] == [
        (petition.receipt_number, "要求解决补偿")
    ]
    assert export["person"]["name"] == "赵六"


def test_only_the_platform_admin_exports(dc: DisputeCity) -> None:
    _dispute(dc, ZHANG)
    person = person_by_id_number(VALID_ID)
    assert person is not None
    for role in (Role.MEDIATOR, Role.JUDGE, Role.CENTRE_OPERATOR):
        with pytest.raises(PermissionDenied):
            person_export(actor=dc.city.users[role], person=person, reason="DSR-3")
    assert not AuditEntry.objects.filter(action="pii.export").exists()


def test_erasure_is_refused_while_a_matter_is_open_and_the_refusal_audited(
    dc: DisputeCity,
) -> None:
    _dispute(dc, ZHANG)
    with pytest.raises(CommandError, match="still open") as refused:
        _run("erase", "--id-number", VALID_ID, "--actor", _admin(dc).username,
             "--reason", "PIPL art. 47 request")  # fmt: skip
    assert refused.value.returncode == 2
    assert "PIPL art. 47(2)" in str(refused.value)
    person = person_by_id_number(VALID_ID)
    assert person is not None and not person.is_erased and person.data_key_wrapped
    assert AuditEntry.objects.filter(action="person.erase_refused").count() == 1


def test_erasure_is_refused_within_the_retention_period(dc: DisputeCity) -> None:
    _close(_dispute(dc, ZHANG), years_ago=3)
    person = person_by_id_number(VALID_ID)
    assert person is not None
    with pytest.raises(ErasureRefused, match="kept 10 years after closing") as refused:
        person_erase_key(actor=_admin(dc), person=person, reason="PIPL art. 47")
    assert refused.value.holds[0].section == "disputes.parties"


def test_after_retention_the_key_is_erased_and_the_audit_log_still_verifies(
    dc: DisputeCity, tmp_path: Path
) -> None:
    _close(_dispute(dc, ZHANG, PartyInput(name="李四", side="respondent")), years_ago=11)
    person = person_by_id_number(VALID_ID)
    assert person is not None
    created = AuditEntry.objects.get(action="person.create", subject_id=str(person.pk))
    assert open_personal(created.personal, person)["id_number"] == VALID_ID

    printed = _run("erase", "--person", str(person.pk), "--actor", _admin(dc).username,
                   "--reason", "PIPL art. 47(1)")  # fmt: skip
    assert f"person #{person.pk} erased" in printed
    person = Person.objects.get(pk=person.pk)
    assert person.name_masked == "已删除" and person.data_key_wrapped == ""
    with pytest.raises(PersonalDataErased):
        open_personal(created.personal, person)
    assert person_by_id_number(VALID_ID) is None
    assert verify_log().intact
    export = person_export(actor=_admin(dc), person=person, reason="DSR-4")
    assert export["person"]["id_number"] == "已删除"
    assert AuditEntry.objects.filter(action="person.erase").count() == 1


def test_erasure_by_someone_else_is_refused(dc: DisputeCity) -> None:
    _dispute(dc, ZHANG)
    with pytest.raises(CommandError, match="platform admin") as refused:
        _run("erase", "--id-number", VALID_ID, "--actor", dc.township_mediator.username,
             "--reason", "PIPL art. 47")  # fmt: skip
    assert refused.value.returncode == 2


def test_a_court_party_is_in_the_export_and_an_open_case_keeps_the_data(courts: Courts) -> None:
    case = accepted_case(courts)
    person = person_by_id_number(PLAINTIFF.id_number)
    assert person is not None
    admin = User.objects.create(username="dpo-admin", role=Role.PLATFORM_ADMIN)
    export = person_export(actor=admin, person=person, reason="DSR-5")
    parties = export["sections"]["courts.parties"]["records"]
    assert [(p["case_number"], p["side"]) for p in parties] == [(case.number, "plaintiff")]
    with pytest.raises(ErasureRefused, match=f"courts.parties .*#{case.matter_id}.*still open"):
        person_erase_key(actor=admin, person=person, reason="PIPL art. 47")


def test_an_export_to_a_missing_folder_exits_2_before_anything_is_audited(
    dc: DisputeCity, tmp_path: Path
) -> None:
    _dispute(dc, ZHANG)
    with pytest.raises(CommandError, match="--out: no folder") as refused:
        _run("export", "--id-number", VALID_ID, "--actor", _admin(dc).username,
             "--reason", "DSR-9", "--out", str(tmp_path / "nowhere" / "x.json"))  # fmt: skip
    assert refused.value.returncode == 2
    assert not AuditEntry.objects.filter(action="pii.export").exists()
