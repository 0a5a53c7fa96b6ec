#!/usr/bin/env bash
# Builds the server and the web apps of this checkout and assembles the tree the
# container runs, at OUT:
#   OUT/packages/server/{bin,dist}   the built server (node packages/server/dist/main.js)
#   OUT/apps/{dashboard,widget}/dist the built front ends it serves
#   OUT/node_modules                 the server's production dependencies, exactly as package-lock.json pins them
# The Dockerfile runs this script; packages/server/test/release/release.test.ts runs it too, so the image's steps
# are tested where Docker is not available. Needs a checkout with its dev dependencies installed (npm ci).
set -euo pipefail
OUT=${1:?usage: deploy/assemble-release.sh OUT}
# OUT is emptied first, so it must be new, empty, or an earlier release (marked).
if [ -d "$OUT" ] && [ -n "$(ls -A "$OUT")" ] && [ ! -f "$OUT/.switchboard-release" ]; then
  echo "assemble-release: $OUT is not empty and not an earlier release; refusing to replace it" >&2
  exit 1
fi
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
cd "$(dirname "$0")/.."
find "$OUT" -mindepth 1 -delete
touch "$OUT/.switchboard-release"

# Built straight into OUT: this checkout's own dist/ directories are left as they are.
node --import tsx scripts/build-server.ts --out "$OUT/packages/server/dist"
node --import tsx scripts/build-web.ts --strict --out "$OUT"
# The root manifest and lockfile, with every workspace's package.json, so `npm ci` installs the locked versions.
cp package.json package-lock.json LICENSE "$OUT/"
for ws in packages/protocol packages/client packages/server apps/dashboard apps/widget; do
  mkdir -p "$OUT/$ws"
  cp "$ws/package.json" "$OUT/$ws/"
done
cp -R packages/server/bin "$OUT/packages/server/"

# Production dependencies of the server only: no root tools (tsx), no dev dependencies, no front-end packages.
# Scripts stay off: the native add-ons (bufferutil, utf-8-validate) ship prebuilt binaries.
cd "$OUT"
npm ci --omit=dev --workspace @switchboard/server --include-workspace-root=false --ignore-scripts --no-audit --no-fund
