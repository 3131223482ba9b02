"""Reads: incidents and referrals in scope, clearance rates, triage counts, the roster on
the map at an hour. Every queryset reaching a user goes through ``for_user``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet

from zhengfa.clock.clock import SHANGHAI
from zhengfa.org.models import Grid
from zhengfa.police.models import CriminalCase, Incident, Referral, Roster, Shift


def incidents_for(user: Any) -> QuerySet[Incident]:
    return (
        Incident.objects.for_user(user)
        .select_related("matter", "beat", "grid")
        .order_by("-received_at")
    )


def referrals_for(user: Any) -> QuerySet[Referral]:
    return (
        Referral.objects.for_user(user)
        .select_related("matter", "incident", "unit")
        .order_by("-diverted_at")
    )


@dataclass(frozen=True)
class Clearance:
    crime_type: str
    registered: int
    solved: int

    @property
    def rate(self) -> float:
        return self.solved / self.registered if self.registered else 0.0


def clearance_rates(
    user: Any, since: date, until: date, major_only: bool = False
) -> list[Clearance]:
    """破案率 per crime type of the cases registered in [since, until)."""
    cases = CriminalCase.objects.for_user(user).filter(
        registered_on__gte=since, registered_on__lt=until
    )
    if major_only:
        cases = cases.filter(major=True)
    rows = cases.values("crime_type").annotate(
        registered=Count("pk"), solved=Count("pk", filter=Q(solved_on__isnull=False))
    )
    return sorted(
        (Clearance(r["crime_type"], r["registered"], r["solved"]) for r in rows),
        key=lambda c: c.crime_type,
    )


def triage_counts(user: Any) -> dict[str, int]:
    """Referrals by target and how many came back to the police."""
    referrals = Referral.objects.for_user(user)
    counts = dict(referrals.values_list("target").annotate(n=Count("pk")))
    counts["returned"] = referrals.filter(returned_at__isnull=False).count()
    return counts


def roster_for(user: Any, roster_id: int) -> Roster | None:
    return Roster.objects.for_user(user).select_related("station").filter(pk=roster_id).first()


def roster_at(roster: Roster, at: datetime) -> dict[str, Any]:
    """GeoJSON of the roster's beats at ``at``: each grid with the officers patrolling its
    beat in that 4-hour block (0 when none)."""
    local = at.astimezone(SHANGHAI)
    day, block_start = local.date(), (local.hour // 4) * 4
    on: dict[int, list[str]] = {}
    shifts = Shift.objects.filter(roster=roster, day=day, start_hour=block_start).values_list(
        "beat_id", "officer__full_name", "officer__username"
    )
    for beat_id, full_name, username in shifts:
        on.setdefault(beat_id, []).append(full_name or username)
    grids = Grid.objects.filter(beat__station=roster.station).values(
        "code", "name", "geometry", "beat_id", "beat__name"
    )
    return {
        "type": "FeatureCollection",
        "at": local.isoformat(),
        "block": f"{block_start:02d}:00–{block_start + 4:02d}:00",
        "features": [
            {
                "type": "Feature",
                "id": g["code"],
                "geometry": g["geometry"],
                "properties": {
                    "grid": g["name"],
                    "beat": g["beat__name"],
                    "officers": on.get(g["beat_id"], []),
                },
            }
            for g in grids
        ],
    }


def roster_rows(roster: Roster) -> list[tuple[str, str, str, str, str]]:
    """The export: date, hours, beat, officer, officer id — one row per patrol block."""
    rows = Shift.objects.filter(roster=roster).values_list(
        "day", "start_hour", "hours", "beat__name", "officer__full_name", "officer__username"
    )
    return [
        (
            day.isoformat(),
            f"{start:02d}:00-{(start + hours) % 24:02d}:00",
            beat,
            full_name or username,
            username,
        )
        for day, start, hours, beat, full_name, username in rows
    ]


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())
