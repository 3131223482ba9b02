"""When the law keeps a person's data: erasure is refused while any matter they take part
in is open, or closed less than its retention period ago.

Legal ground: 个人信息保护法 (PIPL, 2021) art. 47 obliges deletion once the purpose is met,
but para. 2: where the retention period set by laws or administrative regulations has not
expired, the handler stops processing except storage and security measures — so such data
is kept, not erased. The periods below are data, not code: the defaults are stated with
the rule they come from, and flagged where the exact figure must be confirmed for the
deployment (a unit's 档案保管期限表 may set longer periods; put the longer one here).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from zhengfa.pii.registry import Holding

if TYPE_CHECKING:
    from zhengfa.flow.models import Matter

LEGAL_GROUND = "个人信息保护法 第47条第2款 / PIPL art. 47(2)"


@dataclass(frozen=True)
class RetentionRule:
    years: int
    source: str


# Keyed by the Holding.section of each app's personal_data.py; a section without a rule
# holds the data only while its matters are open.
RETENTION: dict[str, RetentionRule] = {
    "courts.parties": RetentionRule(
        30,
        "人民法院诉讼档案 rules and the court's 档案保管期限表 (litigation files kept "
        "定期 or 永久) — default 30 years, UNCONFIRMED: set the court's own period",
    ),
    "courts.listings": RetentionRule(
        30, "as courts.parties (enforcement files are litigation archives) — UNCONFIRMED"
    ),
    "disputes.parties": RetentionRule(
        10,
        "人民调解法 (2010) 第27条: mediation records and agreements are filed as archives; "
        "no period is fixed there — default 10 years, UNCONFIRMED: set the local period",
    ),
    "disputes.petitions": RetentionRule(
        10,
        "信访工作条例 (2022): petition files are archived; period per the 信访档案 rules — "
        "default 10 years, UNCONFIRMED: set the local period",
    ),
}


@dataclass(frozen=True)
class Hold:
    """One reason the data must be kept."""

    section: str
    matter: str
    why: str

    def __str__(self) -> str:
        return f"{self.section} {self.matter}: {self.why}"


def holds(holdings: list[Holding], now: datetime) -> list[Hold]:
    found: list[Hold] = []
    for holding in holdings:
        rule = RETENTION.get(holding.section)
        for matter in holding.matters:
            why = _why_kept(matter, rule, now)
            if why:
                found.append(Hold(holding.section, f"{matter.kind} #{matter.pk}", why))
    return found


def _why_kept(matter: Matter, rule: RetentionRule | None, now: datetime) -> str:
    if matter.closed_at is None:
        return "尚未办结 / still open"
    if rule is None:
        return ""
    until = matter.closed_at + timedelta(days=365 * rule.years + rule.years // 4)
    if now < until:
        return (
            f"办结后保存{rule.years}年至 {until:%Y-%m-%d} / kept {rule.years} years after "
            f"closing ({rule.source})"
        )
    return ""
