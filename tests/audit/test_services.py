from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.contrib.auth import authenticate, login
from django.contrib.sessions.middleware import SessionMiddleware
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.http import HttpResponse
from django.test import RequestFactory

from tests.pii.fixtures import VALID_ID, City
from zhengfa.audit.actions import AuditAction
from zhengfa.audit.chain import shard_for
from zhengfa.audit.models import AppendOnlyError, AuditEntry, ShardHead
from zhengfa.audit.selectors import audit_entries_for_subject
from zhengfa.audit.services import (
    AuditUsageError,
    PersonalDataInClear,
    audit_record,
    model_diff,
    model_snapshot,
)
from zhengfa.audit.verify import verify_log
from zhengfa.org.models import Unit, UnitKind
from zhengfa.pii.envelope import open_personal


def _record(**kwargs: object) -> AuditEntry:
    with transaction.atomic():
        return audit_record(**kwargs)  # type: ignore[arg-type]


@pytest.mark.django_db(transaction=True)
def test_audit_record_refuses_to_run_outside_a_transaction(city: City) -> None:
    with pytest.raises(AuditUsageError, match="inside the transaction"):
        audit_record(actor=city.admin, action="unit.rename", subject=city.court)
    assert AuditEntry.objects.count() == 0


def test_row_copies_ids_and_labels_and_outlives_its_subject(city: City) -> None:
    unit = Unit.objects.create(
        code="TMP", name="临时部门", kind=UnitKind.DEPARTMENT, level="county", region_id="230402"
    )
    entry = _record(actor=city.admin, action="unit.create", subject=unit, new={"name": unit.name})
    unit_pk = unit.pk
    unit.delete()
    entry.refresh_from_db()
    assert (entry.subject_type, entry.subject_id, entry.subject_label) == (
        "org.unit",
        str(unit_pk),
        "临时部门",
    )
    assert (entry.actor_id, entry.actor_label, entry.actor_role) == (
        city.admin.pk,
        "admin",
        "platform_admin",
    )
    assert entry.new == {"name": "临时部门"}


def test_values_are_serialised_canonically(city: City) -> None:
    entry = _record(
        actor=city.judge,
        action="case.extend",
        subject=city.court,
        old={"due": dt.date(2026, 3, 1), "fee": Decimal("12.50")},
        new={
            "due": dt.date(2026, 4, 1),
            "court": city.court,
            "at": dt.datetime(2026, 1, 2, tzinfo=dt.UTC),
        },
    )
    assert entry.old_json == '{"due":"2026-03-01","fee":"12.50"}'
    assert entry.new["court"] == {
        "type": "org.unit",
        "id": city.court.pk,
        "label": "向阳区人民法院",
    }
    assert entry.new["at"] == "2026-01-02T00:00:00.000000Z"


def test_unserialisable_values_are_refused_and_nothing_is_written(city: City) -> None:
    with pytest.raises(TypeError, match="cannot store a bytes"):
        _record(actor=city.judge, action="x.y", subject=city.court, new={"blob": b"\x00"})
    assert AuditEntry.objects.count() == 0
    assert ShardHead.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("new", {"note": f"当事人身份证 {VALID_ID}"}),
        ("old", {"tel": "13812345678"}),
        ("reason", "电话13812345678"),
    ],
)
def test_personal_data_in_clear_is_refused(city: City, field: str, value: object) -> None:
    with pytest.raises(PersonalDataInClear) as refused:
        _record(actor=city.judge, action="x.y", subject=city.court, **{field: value})
    assert list(refused.value.message_dict) == [field]
    assert AuditEntry.objects.count() == 0


def test_personal_data_is_sealed_never_in_clear(city: City) -> None:
    entry = _record(
        actor=city.judge, action="party.add", subject=city.court, personal={"id_number": VALID_ID}
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM audit_auditentry")
        raw = json.dumps(cursor.fetchall(), default=str)
    assert VALID_ID not in raw
    assert open_personal(entry.personal, None) == {"id_number": VALID_ID}


def test_one_subject_one_shard_and_gapless_seq(city: City) -> None:
    entries = [_record(actor=city.judge, action="a.b", subject=city.court) for _ in range(3)]
    expected_shard = shard_for("org.unit", str(city.court.pk), 8)
    assert {e.shard for e in entries} == {expected_shard}
    assert [e.seq for e in entries] == [1, 2, 3]
    assert entries[1].prev_hash == entries[0].row_hash
    head = ShardHead.objects.get(shard=expected_shard)
    assert (head.seq, head.row_hash) == (3, entries[2].row_hash)


def _two_matters_on_two_shards() -> tuple[str, str]:
    first = "m0"
    second = next(
        f"m{n}"
        for n in range(1, 100)
        if shard_for("matter", f"m{n}", 8) != shard_for("matter", first, 8)
    )
    return first, second


def _matter_row(actor: object, subject_id: str) -> AuditEntry:
    return audit_record(
        actor=actor, action="matter.step", subject_type="matter", subject_id=subject_id
    )


def test_a_transactions_rows_share_the_shard_of_its_first_row(city: City) -> None:
    first, second = _two_matters_on_two_shards()
    with transaction.atomic():
        rows = [_matter_row(city.judge, first), _matter_row(city.judge, second)]
        with transaction.atomic():  # a nested block is still the same transaction
            rows.append(_matter_row(city.judge, second))
    assert {row.shard for row in rows} == {shard_for("matter", first, 8)}
    assert [row.seq for row in rows] == [1, 2, 3]
    # The next transaction chooses again, from its own first row.
    assert _record(
        actor=city.judge, action="matter.step", subject_type="matter", subject_id=second
    ).shard == shard_for("matter", second, 8)
    assert verify_log().intact


def test_rolling_back_to_a_savepoint_forgets_the_shard_chosen_after_it(city: City) -> None:
    first, second = _two_matters_on_two_shards()
    with transaction.atomic():
        try:
            with transaction.atomic():
                _matter_row(city.judge, first)
                raise RuntimeError("undo")
        except RuntimeError:
            pass
        kept = _matter_row(city.judge, second)
    assert kept.shard == shard_for("matter", second, 8)
    assert AuditEntry.objects.count() == 1
    assert verify_log().intact


def test_subjects_spread_over_the_configured_shards(city: City, settings: object) -> None:
    shards = {shard_for("matter", str(i), 8) for i in range(200)}
    assert shards == set(range(8))


def test_orm_refuses_update_and_delete(city: City) -> None:
    entry = _record(actor=city.judge, action="a.b", subject=city.court, reason="原因")
    entry.reason = "篡改"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(reason="篡改")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).reason == "原因"
    assert verify_log().intact


@pytest.mark.postgres_only
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditentry SET reason = 'x'",
        "DELETE FROM audit_auditentry",
        "UPDATE audit_checkpoint SET signature = 'x'",
    ],
)
def test_postgres_trigger_refuses_raw_changes(city: City, sql: str) -> None:
    from zhengfa.audit.checkpoints import checkpoint_write

    _record(actor=city.judge, action="a.b", subject=city.court)
    checkpoint_write()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql)
    assert AuditEntry.objects.count() == 1


def test_model_diff_keeps_only_changed_values_and_hides_ciphertext(city: City) -> None:
    before = model_snapshot(city.court)
    city.court.name = "向阳区法院（新）"
    old, new = model_diff(before, city.court)
    assert (old, new) == ({"name": "向阳区人民法院"}, {"name": "向阳区法院（新）"})
    created_old, created_new = model_diff(None, city.court)
    assert created_old == {} and created_new["code"] == "C0402"
    deleted_old, deleted_new = model_diff(before, None)
    assert deleted_new == {} and deleted_old["court_code"] == "黑0402"


def test_model_snapshot_redacts_encrypted_fields(city: City) -> None:
    from zhengfa.pii.services import person_create

    person = person_create(actor=city.judge, name="张三", id_number=VALID_ID, phone="13812345678")
    snapshot = model_snapshot(person)
    assert snapshot["id_number"].startswith("[encrypted:")
    assert snapshot["id_number_hash"].startswith("[encrypted:")
    assert snapshot["id_number_masked"] == "2304**********1237"
    assert VALID_ID not in json.dumps(snapshot, default=str)


def test_history_of_a_subject(city: City) -> None:
    _record(actor=city.judge, action="a.first", subject=city.court)
    _record(actor=city.judge, action="a.other", subject=city.other_court)
    _record(actor=city.judge, action="a.second", subject=city.court)
    actions = list(audit_entries_for_subject(city.court).values_list("action", flat=True))
    assert actions == ["a.first", "a.second"]


def test_logins_and_failed_logins_are_audited(city: City) -> None:
    request = RequestFactory().post("/login/", REMOTE_ADDR="10.1.2.3")
    SessionMiddleware(lambda _: HttpResponse()).process_request(request)
    user = authenticate(request, username="judge", password="pw-Strong-12345")
    login(request, user)
    assert authenticate(request, username="judge", password="wrong-password") is None
    logged_in, failed = AuditEntry.objects.filter(
        action__in=[AuditAction.LOGIN, AuditAction.LOGIN_FAILED]
    ).order_by("id")
    assert (logged_in.action, logged_in.actor_id, logged_in.subject_id) == (
        "auth.login",
        city.judge.pk,
        str(city.judge.pk),
    )
    assert open_personal(logged_in.personal, None)["ip"] == "10.1.2.3"
    assert (failed.action, failed.actor_id, failed.subject_id) == (
        "auth.login_failed",
        None,
        str(city.judge.pk),
    )
    assert "wrong-password" not in failed.personal + failed.new_json
    assert open_personal(failed.personal, None)["username"] == "judge"
    assert verify_log().intact


def test_rows_cannot_be_written_around_the_service(city: City) -> None:
    entry = _record(actor=city.judge, action="a.b", subject=city.court)
    forged = AuditEntry(
        shard=entry.shard,
        seq=2,
        created_at=entry.created_at,
        action="a.forged",
        prev_hash=entry.row_hash,
        row_hash="f" * 64,
    )
    with pytest.raises(AppendOnlyError, match="audit_record"):
        forged.save()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.bulk_create([forged])
    assert AuditEntry.objects.count() == 1
    assert verify_log().intact


def test_personal_data_of_an_erased_person_cannot_be_recorded(city: City) -> None:
    from zhengfa.pii.envelope import PersonalDataErased
    from zhengfa.pii.services import person_create, person_erase_key

    person = person_create(actor=city.judge, name="张三", id_number=VALID_ID)
    person = person_erase_key(actor=city.admin, person=person, reason="PIPL Art. 47")
    count = AuditEntry.objects.count()
    with pytest.raises(PersonalDataErased):
        _record(
            actor=city.judge, action="a.b", subject=person, personal={"name": "张三"}, person=person
        )
    assert AuditEntry.objects.count() == count


def test_model_snapshot_never_copies_password_hashes(city: City) -> None:
    snapshot = model_snapshot(city.judge)
    assert snapshot["password"].startswith("[encrypted:")
    assert city.judge.password not in json.dumps(snapshot, default=str)


def test_a_rolled_back_or_foreign_head_move_is_caught_by_the_compare_and_set(
    city: City,
) -> None:
    """The head this process last wrote is only a guess: after a rollback, or when another
    writer moved the head, the next row still links to the committed head."""
    from zhengfa.audit import services

    first = _record(actor=city.judge, action="matter.step", subject_type="m", subject_id="1")
    with pytest.raises(RuntimeError), transaction.atomic():
        _record(actor=city.judge, action="matter.step", subject_type="m", subject_id="1")
        raise RuntimeError("the change fails after its audit row")
    second = _record(actor=city.judge, action="matter.step", subject_type="m", subject_id="1")
    assert (second.seq, second.prev_hash) == (first.seq + 1, first.row_hash)
    for key in [k for k in services._HEADS if k[2] == first.shard]:
        services._HEADS[key] = (second.seq + 5, "f" * 64)  # as if another writer had moved it
    third = _record(actor=city.judge, action="matter.step", subject_type="m", subject_id="1")
    assert (third.seq, third.prev_hash) == (second.seq + 1, second.row_hash)
    assert ShardHead.objects.get(shard=first.shard).row_hash == third.row_hash
    assert verify_log().intact
