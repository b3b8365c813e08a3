"""The logs are rewritten by nobody but retention, whose age check is in the database
(docs/adr/0019-logs-the-application-cannot-rewrite.md). PostgreSQL only.

- `polku_log_policy`: the log retention period in years, one row. The owner role writes
  it (this migration, and `migrate` after every run from POLKU_LOG_RETENTION_YEARS); the
  application's role may only read it.
- `polku_logs_expire(older_than)`: SECURITY DEFINER, owned by the owner role. Deletes the
  use- and disclosure-log rows and the seals of the Helsinki days before `older_than`, but
  never of a day younger than the period. The append-only trigger lets its DELETEs
  through (the function sets polku.log_retention for its own statements); the
  application's role has EXECUTE on it and no DELETE on the tables, so the setting
  alone gains it nothing.
- The seals get the same append-only trigger as the logs.
"""

from django.conf import settings
from django.db import migrations

SEALS = "dpo_logseal"

APPEND_ONLY = """
CREATE OR REPLACE FUNCTION polku_log_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('polku.log_retention', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'polku: % is append-only; % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'Only the function polku_logs_expire deletes log rows.';
END;
$$
"""

EXPIRE = """
CREATE OR REPLACE FUNCTION polku_logs_expire(older_than timestamptz)
RETURNS TABLE (uses bigint, disclosures bigint, seals bigint)
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = {schema}, pg_temp
AS $$
DECLARE
    period integer;
    cutoff timestamptz;
    was text := current_setting('polku.log_retention', true);
BEGIN
    SELECT p.years INTO period FROM polku_log_policy p;
    IF period IS NULL OR period < 1 THEN
        RAISE EXCEPTION 'polku: no log retention period in polku_log_policy';
    END IF;
    -- Whole Helsinki days, none younger than the period: the age is checked here.
    cutoff := least(older_than, now() - make_interval(years => period));
    cutoff := date_trunc('day', cutoff AT TIME ZONE 'Europe/Helsinki')
        AT TIME ZONE 'Europe/Helsinki';
    -- For this function's own DELETEs only: set back before it returns (an error rolls
    -- the setting back with the rest).
    PERFORM set_config('polku.log_retention', 'on', true);
    DELETE FROM referrals_uselogentry WHERE at < cutoff;
    GET DIAGNOSTICS uses = ROW_COUNT;
    DELETE FROM referrals_disclosurelogentry WHERE at < cutoff;
    GET DIAGNOSTICS disclosures = ROW_COUNT;
    DELETE FROM dpo_logseal WHERE day < (cutoff AT TIME ZONE 'Europe/Helsinki')::date;
    GET DIAGNOSTICS seals = ROW_COUNT;
    PERFORM set_config('polku.log_retention', coalesce(was, ''), true);
    RETURN NEXT;
END;
$$
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        schema = schema_editor.connection.ops.quote_name(cursor.fetchone()[0])
    schema_editor.execute(
        "CREATE TABLE IF NOT EXISTS polku_log_policy ("
        " one boolean PRIMARY KEY DEFAULT true CHECK (one),"
        " years integer NOT NULL CHECK (years >= 1))"
    )
    schema_editor.execute(
        "INSERT INTO polku_log_policy (one, years) VALUES (true, %s) "
        "ON CONFLICT (one) DO UPDATE SET years = EXCLUDED.years",
        params=[settings.POLKU_LOG_RETENTION_YEARS],
    )
    schema_editor.execute(APPEND_ONLY, params=None)
    schema_editor.execute(EXPIRE.format(schema=schema), params=None)
    schema_editor.execute("REVOKE ALL ON FUNCTION polku_logs_expire(timestamptz) FROM PUBLIC")
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {SEALS}_append_only ON {SEALS}")
    schema_editor.execute(
        f"CREATE TRIGGER {SEALS}_append_only BEFORE UPDATE OR DELETE ON {SEALS} "
        "FOR EACH STATEMENT EXECUTE FUNCTION polku_log_append_only()"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {SEALS}_append_only ON {SEALS}")
    schema_editor.execute("DROP FUNCTION IF EXISTS polku_logs_expire(timestamptz)")
    schema_editor.execute("DROP TABLE IF EXISTS polku_log_policy")


class Migration(migrations.Migration):
    dependencies = [("dpo", "0002_log_seals")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
