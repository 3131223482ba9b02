"""Load the three cause-of-action catalogues shipped in courts/data/causes/.

Reference data every installation needs, so it is a migration rather than part of the
demo. The files are checked by the same reader the import service uses; see
courts/data/causes/README.md for where each came from and how far it can be trusted.
The migration is the record of this load (no audit row: the audit log records what
people and commands do to a running platform).
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path
from typing import Any

from django.db import migrations

from zhengfa.courts.causes_csv import read_cause_csv

CAUSES_DIR = Path(__file__).resolve().parent.parent / "data" / "causes"

SHIPPED = [
    {
        "file": "criminal.csv",
        "kind": "criminal",
        "title": "刑法罪名",
        "version": "补充规定（八）后，483个罪名",
        "effective_from": date(2024, 3, 1),
        "effective_to": None,
        "verified": True,
        "source": (
            "两高确定罪名的规定：高检发释字〔1997〕3号及《关于执行〈中华人民共和国刑法〉确定罪名的"
            "补充规定》（2002）至（八）（法释〔2024〕3号，2024-03-01施行），现行至刑法修正案（十二）。"
            "取自 LawRefBook/Laws@2f4c5c2 的官方文本；见 courts/data/causes/README.md。"
            "在此日期前立案的刑事案件没有可用目录（修正案（十二）于2024-03-01更名第169条罪名）。"
        ),
    },
    {
        "file": "civil.csv",
        "kind": "civil",
        "title": "民事案件案由规定",
        "version": "2020修正",
        "effective_from": date(2021, 1, 1),
        "effective_to": date(2025, 12, 31),
        "verified": False,
        "source": (
            "《民事案件案由规定》（法〔2020〕346号修改，法〔2020〕347号印发，2021-01-01施行）。"
            "由第三方结构化副本重建，未与官方文本核对；见 courts/data/causes/README.md。"
            "2025年修改的《民事案件案由规定》（法〔2025〕226号、法〔2025〕227号）自2026-01-01施行，"
            "本平台尚无其数据：2026年起立案的民事案件须先导入该目录。"
        ),
    },
    {
        "file": "administrative.csv",
        "kind": "administrative",
        "title": "行政案件案由",
        "version": "2020暂行规定",
        "effective_from": date(2021, 1, 1),
        "effective_to": None,
        "verified": False,
        "source": (
            "《最高人民法院关于行政案件案由的暂行规定》（法发〔2020〕44号，2021-01-01施行）。"
            "由第三方结构化副本重建，未与官方文本核对；（十七）行政裁决下缺三级案由。"
            "见 courts/data/causes/README.md。"
        ),
    },
]


def load(apps: Any, schema_editor: Any) -> None:
    catalogue_model = apps.get_model("courts", "CauseCatalogue")
    cause_model = apps.get_model("courts", "Cause")
    for spec in SHIPPED:
        data = (CAUSES_DIR / spec["file"]).read_bytes()
        rows = read_cause_csv(data.decode("utf-8"))
        fields = {k: v for k, v in spec.items() if k != "file"}
        catalogue = catalogue_model.objects.create(
            **fields, sha256=hashlib.sha256(data).hexdigest()
        )
        cause_model.objects.bulk_create(
            [
                cause_model(
                    catalogue=catalogue,
                    position=row.position,
                    code=row.code,
                    level=row.level,
                    name=row.name,
                    parent_code=row.parent_code,
                )
                for row in rows
            ],
            batch_size=500,
        )


def unload(apps: Any, schema_editor: Any) -> None:
    catalogue_model = apps.get_model("courts", "CauseCatalogue")
    cause_model = apps.get_model("courts", "Cause")
    for spec in SHIPPED:
        data = (CAUSES_DIR / spec["file"]).read_bytes()
        shipped = catalogue_model.objects.filter(
            kind=spec["kind"], sha256=hashlib.sha256(data).hexdigest()
        )
        cause_model.objects.filter(catalogue__in=shipped).delete()
        shipped.delete()


class Migration(migrations.Migration):
    dependencies = [("courts", "0001_cause_catalogues")]

    operations = [migrations.RunPython(load, unload)]
