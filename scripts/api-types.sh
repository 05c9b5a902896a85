#!/usr/bin/env bash
# The front end's API types, generated from the OpenAPI schema (offline: manage.py spectacular, no server running)
# by openapi-typescript (frontend/scripts/api-types.mjs) into frontend/src/api/schema.d.ts, which is committed.
#   bash scripts/api-types.sh            regenerate the file (also: cd frontend && npm run api:types)
#   bash scripts/api-types.sh --check    regenerate into a temporary file and fail when the committed one differs
#   --schema FILE                        use this schema (JSON or YAML) instead of generating it
# The schema is generated against the cluster's 'postgres' database when DATABASE_URL is set (nothing is read from
# it), as the schema check in scripts/test.sh does.
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET=frontend/src/api/schema.d.ts
check=0
schema=
while [ $# -gt 0 ]; do
  case "$1" in
    --check) check=1 ;;
    --schema) schema=$(realpath "$2"); shift ;;
    *) echo "usage: $0 [--check] [--schema FILE]" >&2; exit 2 ;;
  esac
  shift
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -z "$schema" ]; then
  schema=$work/schema.json
  db=${DATABASE_URL:+${DATABASE_URL%/*}/postgres}
  DATABASE_URL=${db:-${DATABASE_URL:-}} .venv/bin/python manage.py spectacular --validate --fail-on-warn \
    --format openapi-json --file "$schema" 2>"$work/spectacular.log" || { cat "$work/spectacular.log" >&2; exit 1; }
fi
(cd frontend && node scripts/api-types.mjs "$schema" >"$work/schema.d.ts" 2>"$work/openapi-typescript.log") \
  || { cat "$work/openapi-typescript.log" >&2; exit 1; }
{
  echo "// Generated from the OpenAPI schema by scripts/api-types.sh (openapi-typescript). Do not edit:"
  echo "// change the serializers / extend_schema, then run \`cd frontend && npm run api:types\`."
  cat "$work/schema.d.ts"
} >"$work/out.d.ts"
if [ "$check" = 1 ]; then
  if ! cmp -s "$work/out.d.ts" "$TARGET"; then
    diff -u "$TARGET" "$work/out.d.ts" | head -40 >&2 || true
    echo "$TARGET is out of date with the API schema: run \`cd frontend && npm run api:types\`" \
         "(or bash scripts/api-types.sh) and commit the result." >&2
    exit 1
  fi
  exit 0
fi
mkdir -p "$(dirname "$TARGET")"
cp "$work/out.d.ts" "$TARGET"
echo "wrote $TARGET"
