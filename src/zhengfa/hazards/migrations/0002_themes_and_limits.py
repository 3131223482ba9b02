"""The five campaign themes of the mission (with a starting checklist each) and the
default rectification limit per severity; both are data an admin edits afterwards."""

from __future__ import annotations

from datetime import time
from typing import Any

from django.db import migrations

SAFETY_LAW = "《安全生产法》(2021修正)第41条 事故隐患及时消除"

THEMES: list[tuple[str, str, str, list[str]]] = [
    (
        "traffic",
        "道路交通安全",
        "Road traffic",
        [
            "交通信号灯、标志标线完好",
            "急弯陡坡、临水临崖路段防护设施完好",
            "农村客运车辆无超员、无非法营运",
            "学校周边减速带和警示标志设置到位",
            "无占道经营、乱停乱放",
        ],
    ),
    (
        "fire",
        "消防安全",
        "Fire safety",
        [
            "疏散通道、安全出口畅通",
            "灭火器在有效期内且摆放到位",
            "无私拉乱接电线、无电动自行车室内充电",
            "消防设施完好有效",
            "无“三合一”场所住人",
        ],
    ),
    (
        "campus",
        "校园周边安全",
        "Campus surroundings",
        [
            "上下学高峰“护学岗”警力和护校人员在岗",
            "校园周边200米内无网吧、娱乐场所",
            "校门周边无无证食品摊贩",
            "校车证照齐全、无超员",
            "门卫和一键报警装置完好",
        ],
    ),
    (
        "logistics",
        "寄递物流安全",
        "Parcel logistics",
        [
            "落实收寄验视制度",
            "落实实名收寄",
            "安检设备配备并正常使用",
            "无违规收寄禁寄物品",
        ],
    ),
    (
        "hazmat",
        "危爆物品安全",
        "Hazardous and explosive materials",
        [
            "储存场所符合安全要求（专库专储）",
            "出入库台账完整",
            "从业人员持证上岗",
            "剧毒、易制爆化学品双人双锁",
            "流向登记落实",
        ],
    ),
]

LIMITS: list[tuple[str, bool, time | None, int | None, str]] = [
    ("major", True, time(23, 59), None, f"{SAFETY_LAW}; 隐患不过夜：重大隐患当日整改（本地规定）"),
    ("serious", False, None, 3, f"{SAFETY_LAW}; 较大隐患限期3日（本地规定，可调整）"),
    ("general", False, None, 7, f"{SAFETY_LAW}; 一般隐患限期7日（本地规定，可调整）"),
]


def seed(apps: Any, schema_editor: Any) -> None:
    theme = apps.get_model("hazards", "CampaignTheme")
    limit = apps.get_model("hazards", "RectificationLimit")
    for order, (code, name, name_en, items) in enumerate(THEMES):
        theme.objects.update_or_create(
            code=code,
            defaults={"name": name, "name_en": name_en, "default_items": items, "order": order},
        )
    for severity, same_day, cutoff, amount, basis in LIMITS:
        limit.objects.update_or_create(
            severity=severity,
            defaults={
                "same_day": same_day,
                "cutoff": cutoff,
                "amount": amount,
                "unit": "days",
                "legal_basis": basis,
            },
        )


def unseed(apps: Any, schema_editor: Any) -> None:
    apps.get_model("hazards", "RectificationLimit").objects.all().delete()
    apps.get_model("hazards", "CampaignTheme").objects.filter(
        code__in=[t[0] for t in THEMES], campaigns__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("hazards", "0001_campaigns_inspections_hazards")]

    operations = [migrations.RunPython(seed, unseed)]
