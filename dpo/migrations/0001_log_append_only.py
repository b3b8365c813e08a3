"""The use and disclosure logs are append-only on PostgreSQL (Act 703/2023 §10).

A statement-level trigger refuses every UPDATE and DELETE on both log tables. The one
exception is the retention job: `dpo.services.log_rows_expire` turns the transaction-local
setting polku.log_retention on (SET LOCAL), and DELETE is then let through; UPDATE never
is. TRUNCATE is left alone: it needs table ownership anyway, and Django's test flush
uses it. Other databases (SQLite in development) have no triggers here.
"""

from django.db import migrations

TABLES = ("referrals_uselogentry", "referrals_disclosurelogentry")

FUNCTION = """
CREATE OR REPLACE FUNCTION polku_log_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('polku.log_retention', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'polku: % is append-only; % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'Only dpo.services.log_rows_expire deletes log rows.';
END;
$$
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # No parameters: the function body's % signs are PL/pgSQL's, not placeholders.
    schema_editor.execute(FUNCTION, params=None)
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION polku_log_append_only()"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS polku_log_append_only()")


class Migration(migrations.Migration):
    dependencies = [("referrals", "0006_log_purposes")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
