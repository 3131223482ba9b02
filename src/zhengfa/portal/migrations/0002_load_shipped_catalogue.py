"""Load the service catalogue shipped in portal/data/catalogue.csv (67 items).

Reference data every installation starts from, so it is a migration; administrators edit
the items afterwards in the admin (audited there). The migration is the record of this
load. Items already present (same code) are left as they are.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

from zhengfa.portal.catalogue import read_catalogue


def load(apps: Any, schema_editor: Any) -> None:
    item_model = apps.get_model("portal", "ServiceItem")
    present = set(item_model.objects.values_list("code", flat=True))
    item_model.objects.bulk_create(
        [item_model(**row) for row in read_catalogue() if row["code"] not in present]
    )


def unload(apps: Any, schema_editor: Any) -> None:
    codes = [row["code"] for row in read_catalogue()]
    apps.get_model("portal", "ServiceItem").objects.filter(code__in=codes).delete()


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_service_hall")]
    operations = [migrations.RunPython(load, unload)]
