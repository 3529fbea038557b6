#!/bin/sh
# A hot standby of the primary: base backup with the standby settings (-R) on first start, then stream.
set -e
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  mkdir -p "$PGDATA" && chown postgres: "$PGDATA" && chmod 700 "$PGDATA"
  until PGPASSWORD="$POSTGRES_PASSWORD" gosu postgres pg_basebackup -h postgis -U "$POSTGRES_USER" -D "$PGDATA" -R -X stream -c fast; do
    echo "waiting for the primary"; sleep 2
  done
fi
exec gosu postgres postgres -c hot_standby=on -c hot_standby_feedback=on
