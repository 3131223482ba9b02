"""Triggers that queue a matter id in ``insight_matterchange`` whenever its source rows
change: the matter itself (insert, update, delete) and the domain rows that carry the
count tables' numerators (court case division, dispute outcome, service application,
criminal case). Being in the database, the queue cannot miss a write made by any
service, command or raw SQL; the refresher drains it (``zhengfa.insight.refresh``).

PostgreSQL uses statement-level triggers with transition tables, so a bulk insert of a
million matters costs one INSERT … SELECT, not a million trigger calls.
"""

from __future__ import annotations

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

# table -> the column holding the matter id
SOURCES = {
    "flow_matter": "id",
    "courts_courtcase": "matter_id",
    "disputes_dispute": "matter_id",
    "portal_application": "matter_id",
    "police_criminalcase": "matter_id",
}
EVENTS = {"INSERT": "NEW", "UPDATE": "NEW", "DELETE": "OLD"}


def _name(table: str, event: str) -> str:
    return f"insight_{table}_{event.lower()}"


def _pg_function(column: str) -> str:
    # Identifiers only, all constants of this module (no input reaches this SQL).
    queue = f"INSERT INTO insight_matterchange (matter_id) SELECT {column} FROM changed;"  # noqa: S608
    return (
        f"CREATE OR REPLACE FUNCTION zhengfa_insight_queue_{column}() RETURNS trigger AS $$ "
        f"BEGIN {queue} RETURN NULL; END; $$ LANGUAGE plpgsql;"
    )


def _pg_trigger(table: str, column: str, event: str, row: str) -> str:
    return (
        f"CREATE TRIGGER {_name(table, event)} AFTER {event} ON {table} "
        f"REFERENCING {row} TABLE AS changed FOR EACH STATEMENT "
        f"EXECUTE FUNCTION zhengfa_insight_queue_{column}();"
    )


def _sqlite_trigger(table: str, column: str, event: str, row: str) -> str:
    queue = f"INSERT INTO insight_matterchange (matter_id) VALUES ({row}.{column});"  # noqa: S608
    return f"CREATE TRIGGER {_name(table, event)} AFTER {event} ON {table} FOR EACH ROW BEGIN {queue} END;"


def _statements(vendor: str) -> list[str]:
    if vendor == "postgresql":
        statements = [_pg_function(column) for column in sorted(set(SOURCES.values()))]
        make = _pg_trigger
    else:
        statements, make = [], _sqlite_trigger
    for table, column in SOURCES.items():
        for event, row in EVENTS.items():
            statements.append(make(table, column, event, row))
    return statements


def install(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    for statement in _statements(schema_editor.connection.vendor):
        schema_editor.execute(statement, params=None)


def remove(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    postgres = schema_editor.connection.vendor == "postgresql"
    for table in SOURCES:
        for event in EVENTS:
            suffix = f" ON {table}" if postgres else ""
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {_name(table, event)}{suffix};")
    if postgres:
        for column in sorted(set(SOURCES.values())):
            schema_editor.execute(f"DROP FUNCTION IF EXISTS zhengfa_insight_queue_{column}();")


class Migration(migrations.Migration):
    dependencies = [
        ("insight", "0001_count_tables"),
        ("flow", "0001_matters_clocks_approvals_notices"),
        ("courts", "0006_judicial_confirmation_procedure"),
        ("disputes", "0003_channel_police"),
        ("portal", "0003_application_taken_seconds"),
        ("police", "0001_incidents_triage_cases_fraud_rosters"),
    ]

    operations = [migrations.RunPython(install, remove)]
