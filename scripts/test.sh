#!/usr/bin/env bash
# Runs the tests of every package. Database tests run on SQLite and, when
# PostgreSQL answers on 127.0.0.1:5432 (started here if it is installed but
# down), on PostgreSQL too. Set SC_REQUIRE_POSTGRES=1 to fail without it.
# Extra arguments go to Jest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
# shellcheck source=scripts/env.sh
source scripts/env.sh

if bash scripts/postgres.sh; then
  export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING="${BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING:-postgresql://postgres@127.0.0.1:5432}"
elif [ "${SC_REQUIRE_POSTGRES:-}" = 1 ]; then
  echo "test: PostgreSQL does not answer on 127.0.0.1:5432" >&2
  exit 1
else
  echo "test: PostgreSQL is not running; database tests run on SQLite only" >&2
fi

exec yarn test "$@"
