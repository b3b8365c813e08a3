"""Trigram indexes for the inbox's name search on PostgreSQL.

Django's icontains compares UPPER(column) LIKE UPPER(pattern), so the indexes are on
those expressions. pg_trgm is a trusted extension: the database owner may create it.
Other databases (SQLite in development) have nothing to do here.
"""

from django.db import migrations

COLUMNS = ("first_name", "last_name")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS client_{column}_trgm ON referrals_client "
            f"USING gin (UPPER({column}::text) gin_trgm_ops)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS client_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("referrals", "0002_inbox_index")]

    operations = [migrations.RunPython(forwards, backwards)]
