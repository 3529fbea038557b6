#!/bin/sh
# First start of the primary (docker-entrypoint-initdb.d): replicas may stream from it, and the app's
# role carries jit = off (PgBouncer drops the client's startup options).
set -e
echo "host replication all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d "$POSTGRES_DB" -c "ALTER ROLE $POSTGRES_USER SET jit = off"
