#!/usr/bin/env bash
# The embedded default: set up, start private PostgreSQL/Redis (unless DATABASE_URL/REDIS_URL are set), migrate,
# load the sample scenes, create an admin login, then run the web server, the Celery workers and beat.
# Ctrl-C stops every process this script started.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
private_services=0
if [ -z "${DATABASE_URL:-}" ] || [ -z "${REDIS_URL:-}" ]; then
  eval "$(bash scripts/services.sh start)"
  private_services=1
fi
private_storage=0
if [ "${GEOLOOP_STORAGE:-local}" = s3 ] && [ -z "${GEOLOOP_S3_ENDPOINT:-}" ]; then
  # media on S3 without an endpoint of your own: a private SeaweedFS under .local/ (its bucket holds the media)
  eval "$(bash scripts/services.sh seaweedfs)"
  private_storage=1
fi
export DATABASE_URL REDIS_URL
export GEOLOOP_MEDIA_ROOT=${GEOLOOP_MEDIA_ROOT:-$(pwd)/.local/media}
HOST=${GEOLOOP_HOST:-127.0.0.1}
PORT=${GEOLOOP_PORT:-8000}
py=.venv/bin/python
mkdir -p .local/log

pids=()
cleanup() {
  trap - INT TERM EXIT
  echo; echo "[run] stopping…"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ "$private_services" = 1 ] && bash scripts/services.sh stop
  [ "$private_storage" = 1 ] && bash scripts/services.sh seaweedfs-stop
  echo "[run] stopped"
}
trap cleanup INT TERM EXIT

$py manage.py migrate --noinput >/dev/null
$py manage.py media_bucket_ensure  # GEOLOOP_STORAGE=s3: the bucket exists before anything is stored
$py manage.py prepare_models  # the default model version and its ONNX decoder, once
start() { "$@" & pids+=($!); }
start .venv/bin/celery -A webapp worker -Q gpu -n gpu@%h -c 1 --prefetch-multiplier 1 -l warning
start nice -n 10 .venv/bin/celery -A webapp worker -Q train -n train@%h -c 1 --prefetch-multiplier 1 -l warning
start .venv/bin/celery -A webapp worker -Q default,export -n default@%h -c 2 -l warning
start .venv/bin/celery -A webapp beat -S django -l warning --pidfile=
$py manage.py bootstrap_demo --url "http://$HOST:$PORT/"
start .venv/bin/uvicorn webapp.asgi:application --host "$HOST" --port "$PORT" --no-access-log --log-level warning
wait -n "${pids[@]}"
