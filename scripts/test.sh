#!/usr/bin/env bash
# Set up, then run the whole suite against a real PostGIS, Redis, Celery worker and headless Chromium.
# Uses DATABASE_URL/REDIS_URL when set (CI points them at the machine's services), else the private ones.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ -z "${DATABASE_URL:-}" ] || [ -z "${REDIS_URL:-}" ]; then
  eval "$(bash scripts/services.sh start)"
  REDIS_URL=${REDIS_URL%/*}/1  # keep tests off the dev database
fi
export DATABASE_URL REDIS_URL
export GEOLOOP_FAST_PASSWORD_HASHER=1  # tests and the servers they start
export GEOLOOP_MEDIA_ROOT=${GEOLOOP_MEDIA_ROOT:-$(pwd)/.local/test-media}
.venv/bin/ruff check .
.venv/bin/mypy  # the kernel, services, selectors and plain modules (pyproject.toml [tool.mypy])
# (against the cluster's 'postgres' database: makemigrations only reads which migrations were applied)
DATABASE_URL=${DATABASE_URL%/*}/postgres .venv/bin/python manage.py makemigrations --check --dry-run >/dev/null || {
  echo 'Models changed without a migration: run manage.py makemigrations.' >&2; exit 1; }
# The OpenAPI schema must describe every endpoint without a warning.
DATABASE_URL=${DATABASE_URL%/*}/postgres .venv/bin/python manage.py spectacular --validate --fail-on-warn \
  --file "${TMPDIR:-/tmp}/geoloop-schema.yml"
# The front end's API types (frontend/src/api/schema.d.ts) must be what the schema generates today.
bash scripts/api-types.sh --check
(cd frontend && npm test --silent)
exec .venv/bin/pytest "$@"
