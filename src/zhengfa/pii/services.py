"""Writing and revealing personal data. Every write and every clear view is audited."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhengfa.audit.actions import AuditAction
from zhengfa.audit.services import audit_record
from zhengfa.org.models import Region
from zhengfa.org.roles import ROLES_SEEING_PERSONAL_DATA, Role
from zhengfa.pii import crypto
from zhengfa.pii.envelope import PersonalDataErased
from zhengfa.pii.masking import mask_address, mask_id_number, mask_name, mask_phone
from zhengfa.pii.models import Person, PersonalField
from zhengfa.pii.registry import holdings_of
from zhengfa.pii.retention import LEGAL_GROUND, Hold, holds
from zhengfa.pii.validation import find_personal, validate_id_number, validate_phone

DUPLICATE_ID = "已登记过该身份证号 / a person with this ID number is already registered"
ID_NUMBER_INDEX = "id_number"
PHONE_INDEX = "phone"
ERASED = "已删除"


@dataclass(frozen=True)
class PersonInput:
    """Clear personal data, validated and normalised."""

    name: str
    id_number: str
    phone: str
    address: str


def _clean_person_input(name: str, id_number: str, phone: str, address: str) -> PersonInput:
    errors: dict[str, Any] = {}
    name = name.strip()
    if not name or len(name) > 64:
        errors["name"] = "姓名必填，最多64字 / a name is required, at most 64 characters"
    clean_id = _collect(errors, "id_number", validate_id_number, id_number)
    clean_phone = _collect(errors, "phone", validate_phone, phone)
    if len(address) > 500:
        errors["address"] = "住址最多500字 / an address of at most 500 characters"
    if errors:
        raise ValidationError(errors)
    return PersonInput(name, clean_id, clean_phone, address.strip())


def _collect(errors: dict[str, Any], field: str, validate: Any, raw: str) -> str:
    if not raw.strip():
        return ""
    try:
        value: str = validate(raw)
    except ValidationError as exc:
        errors[field] = exc.messages
        return ""
    return value


def _require_staff(actor: Any) -> None:
    if actor is None or not actor.is_authenticated or not actor.is_active:
        raise PermissionDenied("登录后才能登记人员 / log in to register a person")
    if actor.role == Role.CITIZEN:
        raise PermissionDenied("群众不能登记他人 / citizens cannot register other people")


def person_create(
    *,
    actor: Any,
    name: str,
    id_number: str = "",
    phone: str = "",
    address: str = "",
    region_code: str | None = None,
) -> Person:
    """Register a person; the clear values go to the audit row sealed under their key."""
    _require_staff(actor)
    data = _clean_person_input(name, id_number, phone, address)
    person = Person(
        region_id=_region_code(actor, region_code),
        unit_id=actor.unit_id,
        created_by=actor,
        id_number_hash=_blind(ID_NUMBER_INDEX, data.id_number),
        phone_hash=_blind(PHONE_INDEX, data.phone),
    )
    _, person.data_key_wrapped = crypto.data_key_new()
    _store_fields(person, data)
    try:
        with transaction.atomic():
            person.save()
            _audit_created(actor, person, data)
    except IntegrityError as exc:
        # The unique keyed hash is the only constraint a valid person can break.
        raise ValidationError({"id_number": DUPLICATE_ID}) from exc
    return person


def _blind(kind: str, normalised: str) -> str | None:
    return crypto.blind_index(kind, normalised) if normalised else None


def _region_code(actor: Any, region_code: str | None) -> str | None:
    if region_code is None:
        return actor.region_id or (actor.unit.region_id if actor.unit else None)
    if not Region.objects.filter(code=region_code).exists():
        raise ValidationError(
            {"region_code": f"未知区划代码 {region_code!r} / unknown GB/T 2260 region code"}
        )
    return region_code


def _audit_created(actor: Any, person: Person, data: PersonInput) -> None:
    audit_record(
        actor=actor,
        action=AuditAction.PERSON_CREATE,
        subject=person,
        new={"region": person.region_id, "fields": _present_fields(data)},
        personal=_present_values(data),
        person=person,
    )


def _store_fields(person: Person, data: PersonInput) -> None:
    for field in PersonalField:
        clear = getattr(data, field.value)
        context = Person._meta.get_field(field.value).context  # type: ignore[union-attr]
        setattr(person, field.value, crypto.encrypt(clear, context=context) if clear else "")
    person.name_masked = mask_name(data.name)
    person.id_number_masked = mask_id_number(data.id_number) if data.id_number else ""
    person.phone_masked = mask_phone(data.phone) if data.phone else ""
    person.address_masked = mask_address(data.address)[:128]


def _present_fields(data: PersonInput) -> list[str]:
    return [field.value for field in PersonalField if getattr(data, field.value)]


def _present_values(data: PersonInput) -> dict[str, str]:
    return {name: getattr(data, name) for name in _present_fields(data)}


def reveal(*, actor: Any, person: Person, field: str, purpose: str) -> str:
    """The clear value of one personal field, for roles whose work needs it; audited."""
    if field not in PersonalField.values:
        raise ValidationError(
            {"field": f"应为以下之一 / one of: {', '.join(PersonalField.values)}"}
        )
    purpose = clean_purpose(purpose)
    _require_reveal_permission(actor, person)
    context = Person._meta.get_field(field).context  # type: ignore[union-attr]
    with transaction.atomic():
        person = Person.objects.get(pk=person.pk)  # as stored now, not as the caller held it
        if person.is_erased:
            raise PersonalDataErased(f"person #{person.pk} was erased")
        token: str = getattr(person, field)
        clear = crypto.decrypt(token, context=context) if token else ""
        audit_record(
            actor=actor,
            action=AuditAction.PII_VIEW,
            subject=person,
            new={"field": field, "purpose": purpose},
            person=person,
        )
    return clear


def clean_purpose(purpose: str) -> str:
    """Why personal data is viewed: required, short, and itself free of personal data."""
    purpose = purpose.strip()
    if not purpose or len(purpose) > 200 or find_personal(purpose):
        raise ValidationError(
            {
                "purpose": "请写明用途（最多200字，不含个人信息）/ state the purpose, at most 200 "
                "characters, without personal data"
            }
        )
    return purpose


def _require_reveal_permission(actor: Any, person: Person) -> None:
    if actor is None or not actor.is_authenticated or not actor.is_active:
        raise PermissionDenied("登录后才能查看 / log in first")
    if actor.role not in ROLES_SEEING_PERSONAL_DATA:
        raise PermissionDenied("该角色不能查看个人信息明文 / this role cannot see personal data")
    if not Person.objects.for_user(actor).filter(pk=person.pk).exists():
        raise PermissionDenied("该人员不在您的管辖范围 / this person is outside your jurisdiction")


class PiiAction(models.TextChoices):
    """Audited events of the personal-data lifecycle beyond the platform's own."""

    EXPORT = "pii.export", _("导出个人信息 Personal data exported")
    ERASE_REFUSED = "person.erase_refused", _("拒绝删除（法定保存期）Erasure refused: retention")
    KEY_RETIRED = "pii.key_retired", _("停用主密钥 Master key retired")


class ErasureRefused(Exception):
    """The law keeps the data: a matter is open or within its retention period."""

    def __init__(self, kept: list[Hold]) -> None:
        self.holds = kept
        super().__init__(
            f"依法保存，不能删除 / kept by law ({LEGAL_GROUND}): " + "; ".join(map(str, kept))
        )


def require_platform_admin(actor: Any, what: str) -> None:
    if actor is None or not actor.is_authenticated or actor.role != Role.PLATFORM_ADMIN:
        raise PermissionDenied(f"只有平台管理员可以{what} / only the platform admin may do this")


def person_erase_key(*, actor: Any, person: Person, reason: str) -> Person:
    """Crypto-shred a person: their data key and encrypted fields are destroyed.

    Audit rows about them keep their bytes (so every chain still verifies) but their
    sealed personal data can no longer be opened by anyone. Refused (and the refusal
    audited) while the law keeps the data: see ``pii.retention``.
    """
    require_platform_admin(actor, "删除个人信息")
    if not reason.strip():
        raise ValidationError({"reason": "请写明法律依据 / state the legal ground for erasure"})
    kept = holds(holdings_of(person), timezone.now())
    if kept:
        audit_record(
            actor=actor,
            action=PiiAction.ERASE_REFUSED,
            subject=person,
            new={"holds": [str(hold) for hold in kept]},
            reason=reason.strip(),
        )
        raise ErasureRefused(kept)
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        for field in PersonalField:
            setattr(person, field.value, "")
        person.name_masked = ERASED
        person.id_number_hash = person.phone_hash = None
        person.id_number_masked = person.phone_masked = person.address_masked = ""
        person.data_key_wrapped = ""
        person.erased_at = timezone.now()
        person.save()
        audit_record(
            actor=actor, action=AuditAction.PERSON_ERASE, subject=person, reason=reason.strip()
        )
    return person
