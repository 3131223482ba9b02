"""The starting data an admin then edits: the eight categories of issue 6, the mediation
limit of each level, and a routing table for the three ways."""

from __future__ import annotations

from typing import Any

from django.db import migrations

CATEGORIES = (
    ("economic_financial", "经济金融", "Economic and financial"),
    ("livelihood", "民生", "Livelihood"),
    ("law_litigation", "涉法涉诉", "Law-and-litigation related"),
    ("family_neighbour", "家庭邻里", "Family and neighbour"),
    ("labour", "劳动争议", "Labour"),
    ("land_property", "土地房产", "Land and property"),
    ("consumer", "消费维权", "Consumer"),
    ("other", "其他", "Other"),
)
STATUTE = "人民调解工作若干规定 (司法部令第75号, 2002) art. 33: 一般在一个月内调结"
LIMITS = (
    ("village", 15, "days", f"本市规则 city rule (小事不出村), within the ceiling of {STATUTE}"),
    ("township", 1, "months", STATUTE),
    ("county", 1, "months", STATUTE),
    ("city", 1, "months", STATUTE),
)
# (priority, name, category, min_severity, max_severity, min_amount, max_amount,
#  max_parties, way, level, department)
RULES = (
    (
        10,
        "家庭邻里小纠纷当场调",
        "family_neighbour",
        "",
        "general",
        None,
        5000,
        2,
        "on_the_spot",
        "",
        "",
    ),
    (
        20,
        "劳动争议属事调 人社",
        "labour",
        "",
        "",
        None,
        None,
        None,
        "by_subject",
        "county",
        "human_resources",
    ),
    (
        30,
        "消费纠纷属事调 市场监管",
        "consumer",
        "",
        "",
        None,
        None,
        None,
        "by_subject",
        "county",
        "market",
    ),
    (
        40,
        "涉法涉诉属事调 司法行政",
        "law_litigation",
        "",
        "",
        None,
        None,
        None,
        "by_subject",
        "county",
        "justice",
    ),
    (
        50,
        "大额经济金融纠纷 县级",
        "economic_financial",
        "",
        "",
        100000,
        None,
        None,
        "by_place",
        "county",
        "",
    ),
    (60, "重大纠纷 县级", None, "major", "", None, None, None, "by_place", "county", ""),
    (70, "较大纠纷 乡镇", None, "serious", "", None, None, None, "by_place", "township", ""),
    (1000, "其余纠纷属地调 村级", None, "", "", None, None, None, "by_place", "village", ""),
)


def forwards(apps: Any, schema_editor: Any) -> None:
    category = apps.get_model("disputes", "DisputeCategory")
    limit = apps.get_model("disputes", "LevelLimit")
    rule = apps.get_model("disputes", "RoutingRule")
    by_code = {}
    for order, (code, name, name_en) in enumerate(CATEGORIES, start=1):
        by_code[code] = category.objects.create(
            code=code, name=name, name_en=name_en, order=order * 10
        )
    for level, amount, unit, basis in LIMITS:
        limit.objects.create(level=level, amount=amount, unit=unit, legal_basis=basis)
    for row in RULES:
        priority, name, code, low, high, min_amount, max_amount, parties, way, level, dept = row
        rule.objects.create(
            priority=priority,
            name=name,
            category=by_code[code] if code else None,
            min_severity=low,
            max_severity=high,
            min_amount=min_amount,
            max_amount=max_amount,
            max_parties=parties,
            way=way,
            level=level,
            department=dept,
        )


def backwards(apps: Any, schema_editor: Any) -> None:
    for name in ("RoutingRule", "LevelLimit", "DisputeCategory"):
        apps.get_model("disputes", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("disputes", "0001_disputes_rules_petitions_tasks")]
    operations = [migrations.RunPython(forwards, backwards)]
