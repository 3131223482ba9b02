"""Minor traffic accidents handled online (微交通事故云处理, 快处快赔).

Legal frame: 道路交通安全法 (2021) art. 70(2) and 道路交通事故处理程序规定 (公安部令第146号,
2017) arts. 19–22: when two motor vehicles collide with property damage only and the
drivers do not dispute the facts and cause, they may settle it themselves, recording time,
place, plates, insurers, the facts and the liability; if they disagree, the traffic police
decide. The standard situations below are those printed on provincial quick-handling
agreement forms (快处快赔 liability lists); the list of the Heilongjiang traffic police
should be checked against its current text before production use.

Each driver reports from the scene (position, plate, insurer, photos, what happened);
when both accounts agree the platform proposes the liability of the matching standard
situation, both confirm or reject, and an agreement document for both insurers
(警保联动) is produced. A rejection or two accounts that do not match become a matter for
an officer (``portal_accident``).
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from zhengfa.flow.common import invalid, now
from zhengfa.flow.services.matters import matter_open
from zhengfa.portal.common import audit, clean_phone, new_code, phone_hash
from zhengfa.portal.common import sealed_phone as _sealed
from zhengfa.portal.flows import ACCIDENT_DEADLINE
from zhengfa.portal.geo import grid_at
from zhengfa.portal.models import (
    Accident,
    AccidentParty,
    AccidentPhoto,
    AccidentStatus,
    Party,
    ServiceItem,
)
from zhengfa.portal.services import handling_unit
from zhengfa.portal.uploads import check_uploads

BASIS = "道路交通事故处理程序规定 (公安部令第146号) arts. 19–22; 道路交通安全法 (2021) art. 70"


@dataclass(frozen=True)
class Situation:
    code: str
    zh: str
    en: str
    equal: bool = False  # both at fault in equal part (同等责任)


SITUATIONS: dict[str, Situation] = {
    s.code: s
    for s in (
        Situation("rear_end", "追尾前方车辆", "ran into the vehicle ahead (rear-end)"),
        Situation("lane_change", "变更车道时未让所借车道内车辆先行", "changed lanes into it"),
        Situation("reversing", "倒车", "was reversing"),
        Situation("door", "开关车门妨碍其他车辆", "opened a door into its way"),
        Situation("rolling", "溜车", "rolled back or away unattended"),
        Situation("wrong_way", "逆向行驶", "drove against the traffic"),
        Situation("red_light", "违反交通信号灯通行", "went against the traffic light"),
        Situation("u_turn", "掉头时未让正常行驶车辆先行", "made a U-turn into its way"),
        Situation("no_yield", "未按规定让行", "did not give way where it had to"),
        Situation("parked", "撞击停放车辆", "hit it while it was lawfully parked"),
        Situation("both_lane_change", "双方同时变更车道", "both changed lanes at once", equal=True),
    )
}
FAULT_SIDES = ("self", "other")  # whose vehicle did it, in the reporter's own words


@dataclass(frozen=True)
class DriverReport:
    plate: str
    insurer: str
    policy_no: str
    phone: str
    lat: float
    lon: float
    situation: str
    fault: str  # "self" or "other" (ignored for equal situations)


def _check_report(report: DriverReport) -> str:
    if report.situation not in SITUATIONS:
        raise invalid("situation", f"accepted: {', '.join(SITUATIONS)}")
    if report.fault not in FAULT_SIDES:
        raise invalid("fault", "accepted: self (my vehicle) or other (the other vehicle)")
    plate = report.plate.strip().upper().replace(" ", "")
    if not 7 <= len(plate) <= 8:
        raise invalid("plate", f"{report.plate!r}: accepted: a plate such as 黑D12345")
    for field in ("insurer", "policy_no"):
        if not getattr(report, field).strip():
            raise invalid(field, "required: as printed on the compulsory insurance (交强险) policy")
    return plate


def _at_fault(side: str, report: DriverReport) -> str:
    """The side at fault, as one report tells it (a, b or both)."""
    if SITUATIONS[report.situation].equal:
        return "both"
    if report.fault == "self":
        return side
    return Party.B if side == Party.A else Party.A


def accident_report(
    *, actor: Any, occurred_at: datetime, report: DriverReport, photos: Sequence[UploadedFile]
) -> tuple[Accident, str]:
    """The first driver reports; returns the accident and the code the other driver joins
    with (shown once, on the first driver's phone, to be read out at the scene)."""
    plate = _check_report(report)
    phone = clean_phone(report.phone)
    checked = _photos(photos)
    grid = grid_at(report.lon, report.lat)
    if grid is None:
        raise invalid("lat", "the position is outside the city's grids")
    join_code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        accident = Accident.objects.create(
            code=new_code("SG", now()),
            occurred_at=occurred_at,
            lat=report.lat,
            lon=report.lon,
            grid=grid,
            region_id=grid.region_id,
            unit=_traffic_unit(grid),
            join_code_hash=_hash(join_code),
            created_at=now(),
        )
        _add_party(accident, Party.A, actor, plate, phone, report, checked)
        audit(actor=_user(actor), action="accident.report", subject=accident, new={"side": "a"})
    return accident, join_code


def _photos(photos: Sequence[UploadedFile]) -> list[Any]:
    checked = check_uploads(photos, field="photos")
    if not checked or any(c.content_type == "application/pdf" for c in checked):
        raise invalid("photos", "at least one photo (JPG or PNG) of the scene and both vehicles")
    return checked


def _traffic_unit(grid: Any) -> Any:
    """The police station of the grid's beat (警格) handles a dispute; else traffic police."""
    if grid.beat_id is not None:
        return grid.beat.station
    return handling_unit(ServiceItem.objects.get(code="traffic-accident"), grid.region_id)


def _hash(join_code: str) -> str:
    return hashlib.sha256(f"accident-join:{join_code}".encode()).hexdigest()


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _add_party(
    accident: Accident,
    side: str,
    actor: Any,
    plate: str,
    phone: str,
    report: DriverReport,
    photos: list[Any],
) -> AccidentParty:
    party = AccidentParty.objects.create(
        accident=accident,
        side=side,
        user=_user(actor),
        plate=plate,
        insurer=report.insurer.strip()[:64],
        policy_no=report.policy_no.strip()[:40],
        lat=report.lat,
        lon=report.lon,
        account=f"{report.situation}:{_at_fault(side, report)}",
        **_sealed(AccidentParty, phone),
    )
    for photo in photos:
        row = AccidentPhoto(party=party, sha256=photo.sha256, size=photo.size)
        row.file.save(f"{photo.sha256}{photo.extension}", photo.upload, save=False)
        row.save()
    return party


def accident_join(
    *, actor: Any, accident: Accident, join_code: str, report: DriverReport, photos: Sequence[Any]
) -> Accident:
    """The second driver joins with the code; matching accounts get a proposal, others go
    to an officer."""
    if accident.join_code_hash != _hash(join_code.strip()):
        raise PermissionDenied("the join code does not match this accident")
    if accident.parties.filter(side=Party.B).exists():
        raise invalid("join_code", "the other driver has already joined")
    plate = _check_report(report)
    phone = clean_phone(report.phone)
    checked = _photos(photos)
    with transaction.atomic():
        _add_party(accident, Party.B, actor, plate, phone, report, checked)
        accounts = set(accident.parties.values_list("account", flat=True))
        if len(accounts) == 1:
            situation, fault = accounts.pop().split(":")
            _set(accident, status=AccidentStatus.PROPOSED, situation=situation, at_fault=fault)
        else:
            _dispute(accident, "双方陈述不一致 the two accounts do not match")
        audit(actor=_user(actor), action="accident.join", subject=accident)
    return accident


def accident_answer(*, accident: Accident, side: str, phone: str, agree: bool) -> Accident:
    """One driver confirms or rejects the proposed liability (checked by their phone)."""
    party = accident.parties.filter(side=side).first()
    if party is None or party.phone_hash != phone_hash(clean_phone(phone)):
        raise PermissionDenied("the phone does not match this party")
    if accident.status != AccidentStatus.PROPOSED or party.confirmed is not None:
        raise invalid("agree", "nothing to answer: the proposal was already settled")
    with transaction.atomic():
        AccidentParty.objects.filter(pk=party.pk).update(confirmed=agree, answered_at=now())
        if not agree:
            _dispute(accident, f"{side} 方不同意定责建议 party {side} rejected the proposal")
        elif not accident.parties.exclude(confirmed=True).exists():
            _set(accident, status=AccidentStatus.AGREED)
        audit(actor=None, action="accident.answer", subject=accident, new={side: agree})
    return accident


def _set(accident: Accident, **fields: Any) -> None:
    Accident.objects.filter(pk=accident.pk).update(**fields)
    for name, value in fields.items():
        setattr(accident, name, value)


def _dispute(accident: Accident, why: str) -> None:
    matter = matter_open(
        actor=None,
        kind="portal_accident",
        title=f"轻微交通事故争议 {accident.code}",
        region_code=accident.region_id,
        unit=accident.unit,
        grid=accident.grid,
        deadline=ACCIDENT_DEADLINE,
    )
    _set(accident, status=AccidentStatus.DISPUTED, matter=matter)
    audit(actor=None, action="accident.dispute", subject=accident, reason=why)


def liability_text(accident: Accident) -> str:
    if not accident.situation:
        return "—"
    situation = SITUATIONS[accident.situation]
    if accident.at_fault == "both":
        return f"{situation.zh}：双方同等责任 equal liability"
    side = Party(accident.at_fault)
    return f"{side.label} {situation.zh}：负全部责任 full liability; 另一方无责任"


def insurer_document(accident: Accident) -> dict[str, Any]:
    """The agreement both insurers file (快处快赔 agreement), with a digest of its content
    so a copy can be checked against the platform's."""
    if accident.status != AccidentStatus.AGREED:
        raise ValidationError({"status": "only an agreed accident has an agreement document"})
    parties = [
        {
            "side": p.side,
            "plate": p.plate,
            "insurer": p.insurer,
            "policy_no": p.policy_no,
            "phone": p.phone_masked,
            "photos": [ph.sha256 for ph in p.photos.all()],
            "confirmed_at": p.answered_at.isoformat() if p.answered_at else None,
        }
        for p in accident.parties.all()
    ]
    body = {
        "title": "机动车交通事故快速处理协议书 Agreement on a minor traffic accident",
        "number": accident.code,
        "occurred_at": accident.occurred_at.isoformat(),
        "position": {"lat": accident.lat, "lon": accident.lon, "grid": accident.grid.code},
        "situation": accident.situation,
        "liability": liability_text(accident),
        "parties": parties,
        "basis": BASIS,
    }
    digest = hashlib.sha256(json.dumps(body, ensure_ascii=False, sort_keys=True).encode())
    return body | {"sha256": digest.hexdigest()}
