#!/usr/bin/env bash
# Restore a dump made by deploy/backup.sh into the (empty or existing) database at DATABASE_URL.
#   deploy/restore.sh DUMP_FILE
# Stop every `tambon serve` and `tambon worker` first. Existing objects are dropped and re-created
# (--clean --if-exists), in one transaction: a failed restore leaves the database as it was.
set -euo pipefail
if [ -z "${DATABASE_URL:-}" ] && [ -r /etc/tambon/env ]; then
  # shellcheck disable=SC1091
  set -a; . /etc/tambon/env; set +a
fi
: "${DATABASE_URL:?set DATABASE_URL=postgresql://user@host/db}"
dump="${1:?usage: deploy/restore.sh DUMP_FILE}"
url="${DATABASE_URL/postgresql+psycopg:/postgresql:}"
pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction --exit-on-error \
  --dbname="$url" "$dump"
echo "restored $dump"
