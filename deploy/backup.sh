#!/usr/bin/env bash
# Back up Tambon's PostgreSQL database to one compressed, self-contained file (pg_dump custom format).
#   deploy/backup.sh [OUT_FILE]            DATABASE_URL from the environment (or /etc/tambon/env)
# Keep the file with the tips key (TAMBON_TIPS_KEY) stored APART: the dump holds sealed identities,
# which are unreadable without the key, and the key must never travel with the dump.
set -euo pipefail
if [ -z "${DATABASE_URL:-}" ] && [ -r /etc/tambon/env ]; then
  # shellcheck disable=SC1091
  set -a; . /etc/tambon/env; set +a
fi
: "${DATABASE_URL:?set DATABASE_URL=postgresql://user@host/db}"
url="${DATABASE_URL/postgresql+psycopg:/postgresql:}"
out="${1:-tambon-$(date -u +%Y%m%dT%H%M%SZ).dump}"
pg_dump --format=custom --no-owner --no-privileges --file="$out.partial" "$url"
mv "$out.partial" "$out"     # a dump that was cut short never looks complete
echo "$out"
