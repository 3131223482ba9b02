"""Reads of the courts' reference data. Catalogues are public: no jurisdiction applies."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from zhengfa.courts.models import Cause, CauseCatalogue, CauseKind


def _in_force_on(on_date: date) -> Q:
    return Q(effective_from__lte=on_date) & (
        Q(effective_to__isnull=True) | Q(effective_to__gte=on_date)
    )


def causes_in_force(kind: str, on_date: date) -> CauseCatalogue | None:
    """The catalogue of ``kind`` in force on a filing date, or None if none was imported.

    None is a real answer: the 2025 civil catalogue, in force from 2026-01-01, is not
    available, so a civil filing in 2026 has no catalogue until it is imported.
    """
    return CauseCatalogue.objects.filter(_in_force_on(on_date), kind=kind).first()


def causes_of(catalogue: CauseCatalogue, *, level: int | None = None) -> QuerySet[Cause]:
    """A catalogue's causes in the document's order, optionally of one level only."""
    causes = Cause.objects.filter(catalogue=catalogue).order_by("position")
    return causes if level is None else causes.filter(level=level)


def catalogue_notice(kind: str, on_date: date) -> str:
    """The label a filing form shows above the cause field for ``kind`` on ``on_date``."""
    catalogue = causes_in_force(kind, on_date)
    if catalogue is not None:
        return catalogue.label
    notice = _("%(date)s 没有施行中的目录 No catalogue in force on this date (%(kind)s)") % {
        "date": on_date.isoformat(),
        "kind": CauseKind(kind).label,
    }
    latest = (
        CauseCatalogue.objects.filter(kind=kind, effective_to__lt=on_date)
        .order_by("-effective_to")
        .first()
    )
    if latest is not None:
        notice += " · " + _("最近的目录 latest available: %(label)s") % {"label": latest.label}
    return notice
