"""Applications: submit, accept, ask for material, resume, complete, refuse, rate.

Each application is a flow matter (kinds in ``portal.flows``): the item's time runs on the
flow engine's clock, moves go through ``matter_move`` and pauses through ``clock_pause``
— this module does no date arithmetic. The applicant is told of every step: a line on
the public progress page, a notice in their inbox when signed in, and an SMS.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from zhengfa.flow.common import invalid, now
from zhengfa.flow.models import Clock, Matter
from zhengfa.flow.notices import notify, sms_backend
from zhengfa.flow.services.clockops import clock_pause, clock_resume
from zhengfa.flow.services.matters import matter_assign, matter_move, matter_open
from zhengfa.org.models import PoliceBeat, Region, Unit, UnitKind
from zhengfa.org.roles import Role
from zhengfa.pii import crypto
from zhengfa.portal import selectors
from zhengfa.portal.common import (
    audit,
    clean_phone,
    new_code,
    phone_hash,
    sealed_name,
    sealed_phone,
)
from zhengfa.portal.models import (
    Application,
    AppStatus,
    Attachment,
    AttachmentKind,
    Channel,
    Handover,
    Progress,
    ServiceItem,
)
from zhengfa.portal.uploads import CheckedFile, check_uploads

SUPPLEMENT_REASON = "applicant_supplement"
SUPPLEMENT_BASIS = (
    "补正材料期间不计入承诺时限（本大厅承诺件规则；行政许可法 (2019) art. 32 一次告知）"
)


# --- where an item is handled ----------------------------------------------------------


def region_chain(code: str) -> list[str]:
    """The region and its ancestors, nearest first (GB/T 2260 prefixes)."""
    return [code[:n] for n in (12, 9, 6, 4) if len(code) >= n]


def handling_unit(item: ServiceItem, region_code: str) -> Unit:
    """The unit that handles ``item`` for someone in ``region_code``: the police station
    whose beat covers the township, otherwise the nearest unit of the item's kind."""
    chain = region_chain(region_code)
    if item.unit_kind == UnitKind.POLICE_STATION:
        beat = (
            PoliceBeat.objects.select_related("station")
            .filter(region_id__in=chain)
            .order_by("-region_id")
            .first()
        )
        if beat is not None:
            return beat.station
    units = Unit.objects.filter(kind=item.unit_kind, region_id__in=chain)
    if item.unit_suffix:
        units = units.filter(code__endswith=f"-{item.unit_suffix}")
    found = sorted(units, key=lambda u: -len(u.region_id))
    if not found:
        raise invalid(
            "region",
            f"{region_code}: 此地没有办理「{item.name_zh}」的单位 no unit handles this item "
            "here; accepted: a township or community of the city",
        )
    return found[0]


# --- submitting --------------------------------------------------------------------------


@dataclass(frozen=True)
class Submission:
    item: ServiceItem
    region_code: str
    name: str
    phone: str
    details: str = ""
    birth_date: date | None = None
    channel: str = Channel.ONLINE
    idempotency_key: str = ""


def application_submit(
    *, actor: Any, submission: Submission, files: Sequence[UploadedFile] = ()
) -> tuple[Application, bool]:
    """File an application; ``(application, created)``. A retry with the same idempotency
    key returns the first application and files nothing."""
    if submission.idempotency_key:
        earlier = Application.objects.filter(idempotency_key=submission.idempotency_key).first()
        if earlier is not None:
            return earlier, False
    item, phone = submission.item, clean_phone(submission.phone)
    region = _check_submission(submission)
    checked = check_uploads(files)
    unit = handling_unit(item, region.code)
    citizen = actor if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        application = _open(submission, unit, region, phone, citizen)
        _store_files(application, checked, AttachmentKind.INITIAL)
        audit(
            actor=citizen,
            action="application.submit",
            subject=application,
            new={"item": item.code, "unit": unit.pk, "files": len(checked)},
            personal={"name": submission.name.strip(), "phone": phone},
        )
        _tell(application, AppStatus.RECEIVED, f"已收到您的申请，受理编号 {application.receipt}。")
    return application, True


def _check_submission(submission: Submission) -> Region:
    item = submission.item
    if not item.active:
        raise invalid("item", f"「{item.name_zh}」暂停办理 is not offered at present")
    if item.handover != Handover.PORTAL:
        raise invalid(
            "item", f"「{item.name_zh}」由其他系统受理 is filed elsewhere: {item.handover}"
        )
    if not submission.name.strip() or len(submission.name) > 64:
        raise invalid("name", "请填写姓名 a name is required (1–64 characters)")
    if item.min_age:
        _check_age(item.min_age, submission.birth_date)
    region = Region.objects.filter(code=submission.region_code).first()
    if region is None or len(region.code) < 9:
        raise invalid(
            "region", "请选择乡镇街道或社区 accepted: the code of a township or community"
        )
    return region


def _check_age(minimum: int, birth: date | None) -> None:
    today = timezone.localdate()
    if birth is None:
        raise invalid("birth_date", f"请填写出生日期 required: this item is for ages {minimum}+")
    age = today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
    if age < minimum:
        raise invalid("birth_date", f"本事项限 {minimum} 周岁以上 only for ages {minimum} and over")


def _open(
    submission: Submission, unit: Unit, region: Region, phone: str, citizen: Any
) -> Application:
    item, at = submission.item, now()
    receipt = new_code("SQ", at)
    matter = matter_open(
        actor=None,  # the hall's intake opens it; the audit row below names the citizen
        kind="portal_licence" if item.licence else "portal_service",
        title=f"{item.name_zh} {receipt}",
        region_code=region.code,
        unit=unit,
        participants=[citizen] if citizen else [],
        deadline=None if item.licence else item.deadline,
    )
    return Application.objects.create(
        matter=matter,
        item=item,
        receipt=receipt,
        applicant=citizen,
        details=submission.details.strip()[:2000],
        channel=submission.channel,
        submitted_at=at,
        idempotency_key=submission.idempotency_key or None,
        **sealed_name(Application, submission.name.strip()),
        **sealed_phone(Application, phone),
    )


def _store_files(application: Application, checked: list[CheckedFile], kind: str) -> None:
    for upload in checked:
        attachment = Attachment(
            application=application,
            kind=kind,
            original_name=upload.name,
            content_type=upload.content_type,
            extension=upload.extension,
            size=upload.size,
            sha256=upload.sha256,
            uploaded_at=now(),
        )
        attachment.file.save(upload.name, upload.upload, save=False)
        attachment.save()


# --- telling the applicant ---------------------------------------------------------------


def _tell(application: Application, status: str, text: str) -> None:
    """One progress line, an inbox notice when signed in, an SMS after the commit."""
    Progress.objects.create(application=application, at=now(), status=status, text=text)
    subject = f"【{application.item.name_zh}】{AppStatus(status).label}"
    notify([application.applicant], subject, text, matter=application.matter)
    phone = crypto.decrypt(application.phone, context="pii.application.phone")
    message = f"{subject} {text} 受理编号 {application.receipt}"
    transaction.on_commit(lambda: sms_backend().send(phone, message))


# --- staff --------------------------------------------------------------------------------


def _check_staff(actor: Any, application: Application, status: str) -> None:
    """The actor handles this application (their unit's or jurisdiction's) in ``status``."""
    in_scope = Application.objects.for_user(actor, "change").filter(pk=application.pk)
    if getattr(actor, "role", None) == Role.CITIZEN or not in_scope.exists():
        raise PermissionDenied("this application is outside your jurisdiction")
    _require(application, status)


def _fresh(application: Application) -> Matter:
    return Matter.objects.get(pk=application.pk)


def _set_status(application: Application, status: str, **fields: Any) -> None:
    fields["status"] = status
    Application.objects.filter(pk=application.pk).update(**fields)
    for name, value in fields.items():
        setattr(application, name, value)


def _move(actor: Any, application: Application, to_stage: str, note: str) -> Matter:
    matter = _fresh(application)
    return matter_move(
        actor=actor, matter=matter, to_stage=to_stage, version=matter.version, note=note
    )


def application_accept(*, actor: Any, application: Application, note: str = "") -> Application:
    """受理: the officer takes the application on; its processing begins."""
    _check_staff(actor, application, AppStatus.RECEIVED)
    with transaction.atomic():
        matter = _fresh(application)
        if matter.owner_id != actor.pk:
            matter_assign(
                actor=actor, matter=matter, owner=actor, version=matter.version, reason="受理"
            )
        _move(actor, application, "processing", note or "受理")
        _set_status(application, AppStatus.PROCESSING)
        audit(actor=actor, action="application.accept", subject=application, reason=note)
        _tell(application, AppStatus.PROCESSING, "您的申请已受理，正在办理。")
    return application


def application_request_material(
    *, actor: Any, application: Application, missing: str
) -> Application:
    """Tell the applicant, once and completely, what is missing (行政许可法 art. 32).

    A licence goes back before acceptance (its decision limit has not started); any other
    item pauses its promised time while the applicant is busy — except minute and hour
    items, which the legal clock cannot pause: refuse those with the reason instead."""
    if not missing.strip():
        raise invalid("missing", "请写明需补正的全部材料 list everything that is missing")
    licence = application.item.licence
    _check_staff(actor, application, AppStatus.RECEIVED if licence else AppStatus.PROCESSING)
    with transaction.atomic():
        if not licence:
            _pause(actor, application)
        _move(actor, application, "supplement", f"补正：{missing}")
        _set_status(application, AppStatus.SUPPLEMENT)
        audit(actor=actor, action="application.request_material", subject=application)
        _tell(application, AppStatus.SUPPLEMENT, f"请补正以下材料：{missing.strip()}")
    return application


def _overall(application: Application) -> Clock:
    return Clock.objects.get(matter_id=application.pk, purpose="overall")


def _pause(actor: Any, application: Application) -> None:
    clock = _overall(application)
    if clock.span_kind == "minutes":
        raise invalid(
            "missing",
            "即办件按分钟、小时计时，不能中止 minute and hour items cannot be paused; "
            "accepted: refuse with the reason so the applicant applies again",
        )
    # The start day never counts, so a pause can begin the day after it at the earliest.
    on = max(timezone.localdate(), clock.started_on + timedelta(days=1))
    clock_pause(
        actor=actor, clock=clock, on=on, reason_code=SUPPLEMENT_REASON, reason=SUPPLEMENT_BASIS
    )


def application_supply_material(
    *,
    application: Application,
    files: Sequence[UploadedFile],
    note: str = "",
    phone: str = "",
    proof: str = "",
) -> Application:
    """The applicant hands in what was missing (checked by receipt number and phone)."""
    check_applicant(application, phone, proof)
    _require(application, AppStatus.SUPPLEMENT)
    checked = check_uploads(files)
    if not checked and not note.strip():
        raise invalid("files", "请上传补正材料或填写说明 add the missing files or a note")
    with transaction.atomic():
        _store_files(application, checked, AttachmentKind.SUPPLEMENT)
        audit(
            actor=application.applicant,
            action="application.supply",
            subject=application,
            new={"files": len(checked)},
        )
        owner = _fresh(application).owner
        notify([owner], f"补正材料已提交 {application.receipt}", note.strip()[:500] or "-")
        Progress.objects.create(
            application=application, at=now(), status=AppStatus.SUPPLEMENT, text="补正材料已提交"
        )
    return application


def application_resume(*, actor: Any, application: Application, note: str = "") -> Application:
    """The material is complete: the licence returns to acceptance review (a new art. 32
    period), any other item resumes its paused time."""
    _check_staff(actor, application, AppStatus.SUPPLEMENT)
    licence = application.item.licence
    with transaction.atomic():
        if not licence:
            _resume(actor, application)
        _move(actor, application, "received" if licence else "processing", note or "材料齐全")
        status = AppStatus.RECEIVED if licence else AppStatus.PROCESSING
        _set_status(application, status)
        audit(actor=actor, action="application.resume", subject=application, reason=note)
        _tell(application, status, "补正材料齐全，继续办理。")
    return application


def _resume(actor: Any, application: Application) -> None:
    clock = _overall(application)
    paused_from = clock.events.filter(kind="pause").order_by("-pk").values_list("on", flat=True)
    on = max(timezone.localdate(), paused_from[0])
    clock_resume(actor=actor, clock=clock, on=on, reason="补正材料齐全 material complete")


def application_complete(*, actor: Any, application: Application, outcome: str) -> Application:
    """办结: done; whether it kept its limit is recorded for the item's statistics."""
    return _finish(actor, application, "done", AppStatus.DONE, outcome or "已办结")


def application_refuse(*, actor: Any, application: Application, reason: str) -> Application:
    if not reason.strip():
        raise invalid("reason", "不予办理须说明理由 a reason is required")
    return _finish(actor, application, "refused", AppStatus.REFUSED, reason)


def _finish(
    actor: Any, application: Application, stage: str, status: str, text: str
) -> Application:
    _check_staff(actor, application, AppStatus.PROCESSING)
    with transaction.atomic():
        limit = _limit_clock(application)
        _move(actor, application, stage, text)
        done_at, paused = now(), _paused_seconds(limit)
        taken = (done_at - application.submitted_at).total_seconds() - paused
        _set_status(
            application,
            status,
            done_at=done_at,
            outcome_note=text.strip()[:2000],
            limit_due_at=limit.due_at if limit else None,
            within_limit=(done_at <= limit.due_at) if limit else None,
            paused_seconds=paused,
            taken_seconds=max(int(taken), 0),
        )
        audit(
            actor=actor,
            action=f"application.{stage}",
            subject=application,
            new={"status": status, "within_limit": application.within_limit},
        )
        _tell(application, status, text.strip())
    return application


def _limit_clock(application: Application) -> Clock | None:
    """The clock that measures the item's time: the promise, or the licence decision."""
    purpose = "stage:processing" if application.item.licence else "overall"
    return Clock.objects.filter(matter_id=application.pk, purpose=purpose).order_by("-pk").first()


def _paused_seconds(clock: Clock | None) -> int:
    """Days the applicant spent supplying material, as seconds (pause to resume)."""
    if clock is None:
        return 0
    days = 0
    pause_on: date | None = None
    for event in clock.events.order_by("pk"):
        if event.kind == "pause":
            pause_on = event.on
        elif event.kind == "resume" and pause_on is not None:
            days += (event.on - pause_on).days + 1
            pause_on = None
    return days * 86400


def _require(application: Application, status: str) -> None:
    if application.status != status:
        raise invalid(
            "status",
            f"申请当前为「{AppStatus(application.status).label}」; accepted: "
            f"{AppStatus(status).label}",
        )


# --- the applicant ------------------------------------------------------------------------


def check_applicant(application: Application, phone: str = "", proof: str = "") -> None:
    """The caller is the applicant: the phone given is the application's (the lookup's second
    factor), or ``proof`` is the signed token the lookup page gave after that check."""
    if proof:
        found = selectors.application_by_proof(proof)
        if found is None or found.pk != application.pk:
            raise PermissionDenied(
                "查询已过期，请重新输入手机号 the lookup expired; enter the phone"
            )
        return
    normalised = clean_phone(phone)
    if application.phone_hash != phone_hash(normalised):
        raise PermissionDenied("受理编号与手机号不符 the receipt number and phone do not match")


def application_rate(
    *, application: Application, stars: int, comment: str = "", phone: str = "", proof: str = ""
) -> Application:
    """The applicant rates a finished application, once."""
    check_applicant(application, phone, proof)
    if application.status not in (AppStatus.DONE, AppStatus.REFUSED):
        raise invalid("stars", "办结后才能评价 accepted: after the application is finished")
    if application.rating is not None:
        raise invalid("stars", "已评价过 this application was already rated")
    if stars not in range(1, 6):
        raise invalid("stars", f"{stars}: accepted: 1 to 5 stars")
    with transaction.atomic():
        _set_status(
            application, application.status, rating=stars, rating_comment=comment.strip()[:500]
        )
        audit(
            actor=application.applicant,
            action="application.rate",
            subject=application,
            new={"rating": stars},
        )
    return application


def citizen_sign_up(*, username: str, full_name: str, password: str, region_code: str) -> Any:
    """A citizen account (role 群众, sees only their own matters)."""
    from django.contrib.auth.password_validation import validate_password

    from zhengfa.org.services import user_create

    if not full_name.strip():
        raise invalid("full_name", "请填写姓名 a name is required")
    try:
        validate_password(password)
    except ValidationError as exc:
        raise invalid("password", " ".join(exc.messages)) from None
    if len(region_code) < 9 or not Region.objects.filter(code=region_code).exists():
        raise invalid("region", "请选择乡镇街道 accepted: a township or community code")
    with transaction.atomic():
        return user_create(
            actor=None,
            username=username.strip(),
            role=Role.CITIZEN,
            region=region_code,
            full_name=full_name.strip(),
            password=password,
        )


def attachment_open(*, actor: Any, attachment: Attachment) -> Any:
    """A staff member opens an applicant's file: allowed in scope, always audited."""
    in_scope = Application.objects.for_user(actor).filter(pk=attachment.application_id)
    if getattr(actor, "role", None) == Role.CITIZEN or not in_scope.exists():
        raise PermissionDenied("this file is outside your jurisdiction")
    with transaction.atomic():
        audit(actor=actor, action="attachment.view", subject=attachment)
    return attachment.file.open("rb")
