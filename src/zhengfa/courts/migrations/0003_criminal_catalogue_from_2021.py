"""The shipped criminal charge catalogue is in force from 2021-03-01, not 2024-03-01.

Lead decision (issue 5): 补充规定（七） (法释〔2021〕2号, in force 2021-03-01) named the charges
of Amendments X and XI; the shipped list (through 补充规定（八）) differs from it in one
charge only — 第169条 was renamed on 2024-03-01 by 补充规定（八） (法释〔2024〕3号) after
Amendment XII. So criminal cases filed from 2021-03-01 have a catalogue; a case filed before
2024-03-01 under 第169条 shows today's name, and the source text says so.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import migrations

OLD_START, NEW_START = date(2024, 3, 1), date(2021, 3, 1)
NOTE = (
    " 施行日期取2021-03-01（补充规定（七），法释〔2021〕2号，涵盖刑法修正案（十）（十一））；"
    "其中第169条罪名于2024-03-01由补充规定（八）更名，此前立案的案件显示的是现名。"
)
OLD_NOTE = "在此日期前立案的刑事案件没有可用目录（修正案（十二）于2024-03-01更名第169条罪名）。"


def forward(apps: Any, schema_editor: Any) -> None:
    catalogue_model = apps.get_model("courts", "CauseCatalogue")
    for catalogue in catalogue_model.objects.filter(kind="criminal", effective_from=OLD_START):
        catalogue.effective_from = NEW_START
        catalogue.source = catalogue.source.replace(OLD_NOTE, "") + NOTE
        catalogue.save(update_fields=["effective_from", "source"])


def backward(apps: Any, schema_editor: Any) -> None:
    catalogue_model = apps.get_model("courts", "CauseCatalogue")
    for catalogue in catalogue_model.objects.filter(kind="criminal", effective_from=NEW_START):
        catalogue.effective_from = OLD_START
        catalogue.source = catalogue.source.replace(NOTE, "") + OLD_NOTE
        catalogue.save(update_fields=["effective_from", "source"])


class Migration(migrations.Migration):
    dependencies = [("courts", "0002_load_shipped_catalogues")]
    operations = [migrations.RunPython(forward, backward)]
