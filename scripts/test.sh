#!/usr/bin/env bash
# Runs the tests of every package. Database tests run on SQLite and, when
# PostgreSQL answers on 127.0.0.1:5432 (started here if it is installed but
# down), on PostgreSQL too. Directory tests run against a private OpenLDAP
# (scripts/ldap.sh, Debian's slapd) started here and stopped afterwards. Set
# SC_REQUIRE_POSTGRES=1 or SC_REQUIRE_LDAP=1 to fail without them.
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

if bash scripts/ldap.sh start; then
  trap 'bash scripts/ldap.sh stop' EXIT
  export SC_LDAP_URL="ldap://127.0.0.1:3890"
  export SC_LDAP_BIND_DN="cn=admin,dc=acme,dc=example"
  export SC_LDAP_PASSWORD="admin"
elif [ "${SC_REQUIRE_LDAP:-}" = 1 ]; then
  echo "test: the directory (slapd) could not be started" >&2
  exit 1
else
  echo "test: no directory (slapd); directory tests are skipped" >&2
fi

yarn test "$@"
