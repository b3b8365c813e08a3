"""The two database roles on PostgreSQL (docs/adr/0019-logs-the-application-cannot-rewrite.md).

The owner role (DATABASE_OWNER_URL) owns the tables and runs `migrate`; the web
processes and workers connect as the application's role (DATABASE_URL), which may read
and write the ordinary tables but only read and insert the logs and their seals. Not
owning a table, it cannot ALTER, DROP or TRUNCATE it, nor disable its triggers.
SQLite has no roles: there this is a no-op.
"""

from django.db import DEFAULT_DB_ALIAS, connections

from dpo.models import LogSeal
from referrals.models import DisclosureLogEntry, UseLogEntry

# Read and insert only.
APPEND_ONLY_TABLES = (
    UseLogEntry._meta.db_table,
    DisclosureLogEntry._meta.db_table,
    LogSeal._meta.db_table,
)
# Read only.
READ_ONLY_TABLES = ("django_migrations", "polku_log_policy")
# Every other table is ordinary; dpo_logcheck too (the latest check of each chain, a
# copy for the officers' page that `verify_logs` can always remake).
EXPIRE_SIGNATURE = "polku_logs_expire(timestamptz)"


def app_role_grant(*, role: str, using: str = DEFAULT_DB_ALIAS) -> bool:
    """Give `role` what the application needs, and no more, on every table of the
    current schema the connected (owner) role owns. Run after every migration; safe to
    repeat. False on a database without roles."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return False
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, current_schema()")
        owner, schema_name = cursor.fetchone()
        if role == owner:
            raise ValueError(f"{role} is the owner role itself: give the application another")
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone() is None:
            raise ValueError(f"no database role {role}")
        who, schema = quote(role), quote(schema_name)
        statements = [
            f"GRANT USAGE ON SCHEMA {schema} TO {who}",
            f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {who}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {who}",
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {who}",
        ]
        for table in APPEND_ONLY_TABLES:
            statements.append(f"REVOKE UPDATE, DELETE ON {quote(table)} FROM {who}")
        for table in READ_ONLY_TABLES:
            statements.append(f"REVOKE INSERT, UPDATE, DELETE ON {quote(table)} FROM {who}")
        statements.append(f"GRANT EXECUTE ON FUNCTION {EXPIRE_SIGNATURE} TO {who}")
        for statement in statements:
            cursor.execute(statement)
    return True


def log_policy_set(*, years: int, using: str = DEFAULT_DB_ALIAS) -> bool:
    """Write the log retention period the database enforces (owner role only)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('polku_log_policy') IS NOT NULL")
        if not cursor.fetchone()[0]:  # migrated to before the table
            return False
        cursor.execute("UPDATE polku_log_policy SET years = %s", [years])
    return True
