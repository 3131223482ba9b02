"""On PostgreSQL, refuse UPDATE and DELETE of audit rows and checkpoints.

The model refuses them through the ORM on every database; this stops raw SQL from the
application's own role as well. (A superuser can still disable the trigger: that is what
the hash chains and the signed checkpoints catch.) TRUNCATE is left to those too: Django's
test runner empties every table with one TRUNCATE between transactional tests.
"""

from __future__ import annotations

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

TABLES = ("audit_auditentry", "audit_checkpoint")

FUNCTION = """
CREATE OR REPLACE FUNCTION zhengfa_audit_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'zhengfa audit log is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def _trigger(table: str) -> str:
    return (
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION zhengfa_audit_refuse_change();"
    )


def install(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)
    for table in TABLES:
        schema_editor.execute(_trigger(table))


def remove(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
    schema_editor.execute("DROP FUNCTION IF EXISTS zhengfa_audit_refuse_change();")


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_audit_log_and_checkpoints")]

    operations = [migrations.RunPython(install, remove)]
