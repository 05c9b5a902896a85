#!/usr/bin/env bash
# Start (or stop) a private PostgreSQL+PostGIS cluster and a private Redis under .local/, on their own ports.
# Source-able output: prints the DATABASE_URL/REDIS_URL exports to stdout. PostgreSQL refuses to run as root,
# so as root the cluster belongs to an unprivileged system user "geoloop".
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)/.local
PG_PORT=${GEOLOOP_PG_PORT:-55432}
REDIS_PORT=${GEOLOOP_REDIS_PORT:-56379}
pgdata=$root/pg/data
rundir=$root/run
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u geoloop -- "$@"; else "$@"; fi
}

start() {
  mkdir -p "$root/pg" "$rundir" "$root/redis" "$root/log"
  if [ "$(id -u)" = 0 ]; then
    id geoloop >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin geoloop
    chown geoloop: "$root/pg" "$rundir"
    chmod o+x "$root" "$(pwd)"
  fi
  if [ ! -f "$pgdata/PG_VERSION" ]; then
    as_owner "$bin/initdb" -D "$pgdata" -U geoloop --auth=trust -E UTF8 >"$root/log/initdb.log" 2>&1
  fi
  if ! as_owner "$bin/pg_ctl" -D "$pgdata" status >/dev/null 2>&1; then
    as_owner "$bin/pg_ctl" -D "$pgdata" -l "$root/pg/postgres.log" -w \
      -o "-p $PG_PORT -k $rundir -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
  fi
  as_owner "$bin/psql" -h "$rundir" -p "$PG_PORT" -U geoloop -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname='geoloop'" | grep -q 1 ||
    as_owner "$bin/createdb" -h "$rundir" -p "$PG_PORT" -U geoloop geoloop
  if ! redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes --dir "$root/redis" \
      --pidfile "$rundir/redis.pid" --logfile "$root/redis/redis.log" --save 60 1 --appendonly no >/dev/null
    for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
  fi
  echo "export DATABASE_URL=postgis://geoloop@127.0.0.1:$PG_PORT/geoloop"
  echo "export REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0"
}

stop() {
  [ -f "$pgdata/PG_VERSION" ] && as_owner "$bin/pg_ctl" -D "$pgdata" -m fast stop >/dev/null 2>&1 || true
  redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 [start|stop]" >&2; exit 2 ;;
esac
