#!/bin/sh
# Runs once, when the PostgreSQL container starts on an empty data directory
# (docker-entrypoint-initdb.d). POSTGRES_USER (polku) owns the database and the tables
# and runs `migrate`; web, worker and beat connect as polku_app, which `migrate` grants
# only SELECT and INSERT on the logs (docs/adr/0019-logs-the-application-cannot-rewrite.md).
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v app_password="${POLKU_APP_PASSWORD:-polku_app}" <<'SQL'
SELECT format('CREATE ROLE polku_app LOGIN PASSWORD %L', :'app_password')
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'polku_app') \gexec
SQL
