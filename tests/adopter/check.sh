#!/usr/bin/env bash
# The adopter check: what someone who installs our packages into their own
# Backstage app goes through, on a fresh app from @backstage/create-app.
#
# Packs the six packages; serves them from a registry on 127.0.0.1; creates a
# fresh app; moves it to this repository's Backstage release and pins;
# applies the README's "Adding the plugins to an existing Backstage app" line
# for line (its `yarn add` commands install the packages by name); type-checks
# the app with skipLibCheck false; builds it; starts its backend on a free
# port; and, signed in as the stock guest, lists the catalogue and submits a
# request. Any failure fails the check.
#
# Usage: bash tests/adopter/check.sh [work folder]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
WORK="${1:-$(mktemp -d)}"
APP="$WORK/app"
TARBALLS="$WORK/tarballs"
REGISTRY_PID=""
BACKEND_PID=""
STARTED=$SECONDS

cleanup() {
  for pid in "$BACKEND_PID" "$REGISTRY_PID"; do
    if [ -n "$pid" ]; then
      kill -- -"$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
}
trap cleanup EXIT

say() { echo "adopter check: $* ($((SECONDS - STARTED)) s)"; }

cd "$ROOT"
# shellcheck source=scripts/env.sh
source scripts/env.sh
mkdir -p "$TARBALLS"

say "building and packing the packages"
yarn tsc >/dev/null
yarn backstage-cli repo build
for dir in plugins/*/; do
  name="$(node -p "require('./${dir}package.json').name")"
  yarn workspace "$name" pack --out "$TARBALLS/%s-%v.tgz" >/dev/null
done
ls "$TARBALLS"

setsid node tests/adopter/registry.js "$TARBALLS" "$WORK/registry.port" &
REGISTRY_PID=$!
for _ in $(seq 1 50); do [ -s "$WORK/registry.port" ] && break; sleep 0.2; done
[ -s "$WORK/registry.port" ] || { echo "adopter check: the registry did not start" >&2; exit 1; }

say "creating a fresh app"
(cd "$WORK" && echo adopter-app |
  npm exec --yes -- @backstage/create-app@latest --skip-install --path "$APP" >/dev/null)
PORT="$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
node tests/adopter/prepare-app.js "$APP" "$ROOT" "$(cat "$WORK/registry.port")" "$PORT"

cd "$APP"
say "adding the packages as the README says"
bash readme-commands.sh
say "type-checking the app (skipLibCheck false)"
yarn tsc:full
say "building the app"
yarn build:all

say "starting its backend on port $PORT"
setsid yarn workspace backend start \
  --config "$APP/app-config.yaml" --config "$APP/app-config.check.yaml" \
  >"$WORK/backend.log" 2>&1 &
BACKEND_PID=$!
ready=""
for _ in $(seq 1 120); do
  if curl -fsS "http://localhost:$PORT/api/service-catalogue/health" >/dev/null 2>&1; then
    ready=1; break
  fi
  sleep 1
done
if [ -z "$ready" ]; then
  tail -50 "$WORK/backend.log"
  echo "adopter check: the app's backend did not come up" >&2
  exit 1
fi

say "requesting an offering as the guest"
node "$ROOT/tests/adopter/request.js" "http://localhost:$PORT" ||
  { tail -50 "$WORK/backend.log"; exit 1; }
say "passed"
