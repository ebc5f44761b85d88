#!/usr/bin/env bash
# Starts the demo portal: the app on http://localhost:3000 and the backend on
# http://localhost:7007, with SQLite and the example organisation and offerings.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
# shellcheck source=scripts/env.sh
source scripts/env.sh
exec yarn start "$@"
