#!/usr/bin/env bash
# `npm run db:new-migration -- <name>`: writes prisma/migrations/<timestamp>_<name>/migration.sql from
# the difference between the committed schema (HEAD) and the working one. Needs no database:
# `prisma migrate dev` is unreliable with the offline JS engine.
set -euo pipefail
cd "$(dirname "$0")/.."
name="${1:?usage: npm run db:new-migration -- <name>}"
[[ "$name" =~ ^[a-z0-9_]+$ ]] || { echo "migration name: lower-case letters, digits and _" >&2; exit 2; }
previous="$(mktemp)"; trap 'rm -f "$previous"' EXIT
if git cat-file -e HEAD:prisma/schema.prisma 2>/dev/null; then
  git show HEAD:prisma/schema.prisma > "$previous"
  from=(--from-schema-datamodel "$previous")
else
  from=(--from-empty)
fi
dir="prisma/migrations/$(date -u +%Y%m%d%H%M%S)_${name}"
mkdir -p "$dir"
# The JS schema engine connects even for a diff of two datamodels: use DATABASE_URL, or the
# project-local PostgreSQL that `npm start` runs.
if [ -z "${DATABASE_URL:-}" ]; then
  [ -f .data/postgres.password ] || { echo "set DATABASE_URL or run npm start first" >&2; exit 2; }
  DATABASE_URL="postgresql://webops:$(cat .data/postgres.password)@127.0.0.1:${WEBOPS_POSTGRES_PORT:-54329}/webops"
fi
DATABASE_URL="$DATABASE_URL" node_modules/.bin/prisma migrate diff "${from[@]}" --to-schema-datamodel prisma/schema.prisma --script > "$dir/migration.sql"
echo "wrote $dir/migration.sql"
