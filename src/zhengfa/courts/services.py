"""Writes to the courts' reference data. Each is all or nothing and leaves an audit row."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from zhengfa.audit.services import audit_record
from zhengfa.courts.causes_csv import CauseFileRejected, CauseRow, read_cause_csv
from zhengfa.courts.models import Cause, CauseCatalogue, CauseKind
from zhengfa.courts.workflow import confirmation
from zhengfa.org.roles import Role

if TYPE_CHECKING:
    from zhengfa.disputes.models import Dispute
    from zhengfa.flow.models import Matter
    from zhengfa.org.models import Unit

DEFAULT_TITLES: dict[str, str] = {
    CauseKind.CIVIL: "民事案件案由规定",
    CauseKind.CRIMINAL: "刑法罪名",
    CauseKind.ADMINISTRATIVE: "行政案件案由",
}
BULK_BATCH = 500


@dataclass(frozen=True)
class CatalogueImport:
    catalogue: CauseCatalogue
    created: bool  # False: the same file for the same dates was imported before
    causes: int
    closed: CauseCatalogue | None = None  # an open-ended predecessor now ending the day before


def cause_catalogue_import(
    *,
    actor: Any,
    kind: str,
    path: Path | str,
    effective_from: date,
    verified: bool,
    source: str,
    title: str = "",
    version: str = "",
    effective_to: date | None = None,
) -> CatalogueImport:
    """Import a whole catalogue (CSV ``code,level,name,parent_code``) in force from a date.

    Refused as a whole, with every problem named by field (``rows[N].column`` for the
    file), on bad arguments, a bad file or dates that overlap another catalogue of the
    kind. An open-ended earlier catalogue is closed the day before the new one starts.
    Importing the same file for the same dates again changes nothing.
    """
    _check_actor(actor)
    _check_arguments(kind, effective_from, effective_to, source)
    data = _read_bytes(path)
    rows = _read_rows(data)
    with transaction.atomic():
        same, predecessor = _place(kind, effective_from, effective_to, _sha256(data))
        if same is not None:
            return CatalogueImport(catalogue=same, created=False, causes=same.causes.count())
        if predecessor is not None:
            _close(actor, predecessor, effective_from)
        catalogue = CauseCatalogue.objects.create(
            kind=kind,
            title=title.strip() or DEFAULT_TITLES[kind],
            version=version.strip(),
            effective_from=effective_from,
            effective_to=effective_to,
            verified=verified,
            source=source.strip(),
            sha256=_sha256(data),
        )
        _store_causes(catalogue, rows)
        _audit_import(actor, catalogue, rows)
    return CatalogueImport(catalogue, created=True, causes=len(rows), closed=predecessor)


def _check_actor(actor: Any) -> None:
    """The system (a console command, a migration) or a platform admin; nobody else."""
    if actor is None:
        return
    if not getattr(actor, "is_authenticated", False) or actor.role != Role.PLATFORM_ADMIN:
        raise PermissionDenied("only a platform admin may import cause-of-action catalogues")


def _check_arguments(
    kind: str, effective_from: date, effective_to: date | None, source: str
) -> None:
    errors: dict[str, list[str]] = {}
    if kind not in CauseKind.values:
        errors["kind"] = [f"“{kind}” is not a catalogue kind; accepted: {', '.join(CauseKind)}"]
    if effective_to is not None and effective_to < effective_from:
        errors["effective_to"] = [
            f"{effective_to.isoformat()} is before effective_from {effective_from.isoformat()}"
        ]
    if not source.strip():
        errors["source"] = ["name the source: the document, its number, where the file came from"]
    if errors:
        raise ValidationError(errors)


def _read_bytes(path: Path | str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise ValidationError({"path": [f"cannot read {path}: {exc.strerror}"]}) from exc


def _read_rows(data: bytes) -> list[CauseRow]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValidationError(
            {"path": [f"not UTF-8 text (byte {exc.start}); save the CSV as UTF-8"]}
        ) from exc
    try:
        return read_cause_csv(text)
    except CauseFileRejected as exc:
        raise ValidationError(exc.errors) from exc


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _overlaps(other: CauseCatalogue, start: date, end: date | None) -> bool:
    other_starts_in_time = end is None or other.effective_from <= end
    other_ends_in_time = other.effective_to is None or other.effective_to >= start
    return other_starts_in_time and other_ends_in_time


def _place(
    kind: str, start: date, end: date | None, sha256: str
) -> tuple[CauseCatalogue | None, CauseCatalogue | None]:
    """(the identical catalogue already stored, the open predecessor to close); refuse overlaps."""
    # Locking the kind's catalogues serialises two imports of the same kind.
    others = list(CauseCatalogue.objects.select_for_update().filter(kind=kind))
    for other in others:
        if other.effective_from == start and other.sha256 == sha256 and other.effective_to == end:
            return other, None
    predecessor = None
    for other in filter(lambda o: _overlaps(o, start, end), others):
        if other.effective_to is None and other.effective_from < start:
            predecessor = other
            continue
        field = "effective_to" if other.effective_from > start else "effective_from"
        raise ValidationError(
            {
                field: [
                    f"{start.isoformat()}—{end.isoformat() if end else 'open'} overlaps "
                    f"“{other.label}”; catalogues of one kind must not overlap"
                ]
            }
        )
    return None, predecessor


def _close(actor: Any, catalogue: CauseCatalogue, next_start: date) -> None:
    catalogue.effective_to = next_start - timedelta(days=1)
    catalogue.save(update_fields=["effective_to"])
    audit_record(
        actor=actor,
        action="courts.cause_catalogue_close",
        subject=catalogue,
        old={"effective_to": None},  # only an open-ended catalogue is closed
        new={"effective_to": catalogue.effective_to.isoformat()},
        reason=f"superseded by a catalogue in force from {next_start.isoformat()}",
    )


def _store_causes(catalogue: CauseCatalogue, rows: list[CauseRow]) -> None:
    Cause.objects.bulk_create(
        (
            Cause(
                catalogue=catalogue,
                position=row.position,
                code=row.code,
                level=row.level,
                name=row.name,
                parent_code=row.parent_code,
            )
            for row in rows
        ),
        batch_size=BULK_BATCH,
    )


def _audit_import(actor: Any, catalogue: CauseCatalogue, rows: list[CauseRow]) -> None:
    levels: dict[str, int] = {}
    for row in rows:
        levels[str(row.level)] = levels.get(str(row.level), 0) + 1
    audit_record(
        actor=actor,
        action="courts.cause_catalogue_import",
        subject=catalogue,
        new={
            "kind": catalogue.kind,
            "title": catalogue.title,
            "version": catalogue.version,
            "effective_from": catalogue.effective_from.isoformat(),
            "effective_to": catalogue.effective_to.isoformat() if catalogue.effective_to else None,
            "verified": catalogue.verified,
            "sha256": catalogue.sha256,
            "rows_by_level": levels,
        },
        reason=catalogue.source,
    )


def confirmation_case_file(*, actor: Any, court: Unit, dispute: Dispute) -> Matter:
    """诉调对接: the court's registry accepts a mediation agreement sent for judicial
    confirmation; it becomes a 民特 case of ``court`` (``workflow.confirmation``). Returns
    the case's matter, which the dispute keeps to follow the ruling."""
    case = confirmation.confirmation_case_file(actor=actor, court=court, dispute=dispute)
    return case.matter
