#!/usr/bin/env bash
# Set up everything GeoLoop needs on a Debian machine: system packages (as root), .venv, Python packages,
# the front end build and the MobileSAM weights. Quick when run again: each step checks before it works.
set -euo pipefail
cd "$(dirname "$0")/.."
log() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }

need_pkgs=()
have_cmd() { command -v "$1" >/dev/null 2>&1; }
pg_bin_dir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
[ -n "$(pg_bin_dir)" ] || need_pkgs+=(postgresql)
have_cmd redis-server || need_pkgs+=(redis-server)
have_cmd gdalinfo || need_pkgs+=(gdal-bin libgdal-dev)
ldconfig -p | grep -q libgeos_c || need_pkgs+=(libgeos-c1v5)
ldconfig -p | grep -q 'libproj\.' || need_pkgs+=(libproj-dev)
have_cmd chromium || need_pkgs+=(chromium)
have_cmd node || need_pkgs+=(nodejs npm)
python3 -c 'import venv, ensurepip' 2>/dev/null || need_pkgs+=(python3-venv)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then echo "Missing system packages (${need_pkgs[*]}); run as root once." >&2; exit 1; fi
  log "apt-get install ${need_pkgs[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
fi
pg_version=$(basename "$(dirname "$(pg_bin_dir)")")
if ! ls /usr/share/postgresql/"$pg_version"/extension/postgis.control >/dev/null 2>&1; then
  log "apt-get install postgresql-$pg_version-postgis-3"
  [ "$(id -u)" = 0 ] || { echo "PostGIS missing; run as root once." >&2; exit 1; }
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "postgresql-$pg_version-postgis-3" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  log "creating .venv"
  python3 -m venv .venv
fi
stamp=.venv/.requirements.sha256
want=$(sha256sum requirements.txt | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  log "pip install -r requirements.txt (torch comes from this machine's disk)"
  .venv/bin/pip install --quiet --disable-pip-version-check -r requirements.txt 2>&1 | grep -v '^WARNING: Location' || true
  .venv/bin/python -c 'import django, rasterio, torch, mobile_sam, segment_anything' 
  echo "$want" > "$stamp"
fi

log "MobileSAM weights"
bash scripts/fetch_weights.sh 2>&1 | grep -v '^WARNING: Location' || true

if [ -f frontend/package.json ]; then
  fstamp=frontend/dist/.source.sha256
  fwant=$(cd frontend && find . -path ./node_modules -prune -o -path ./dist -prune -o -type f -print | sort | xargs sha256sum | sha256sum | cut -d' ' -f1)
  if [ "$(cat "$fstamp" 2>/dev/null)" != "$fwant" ]; then
    log "building the front end"
    (cd frontend && npm ci --no-audit --no-fund --loglevel=error && npm run build --silent)
    echo "$fwant" > "$fstamp"
  fi
fi
log "done"
