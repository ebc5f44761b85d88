#!/usr/bin/env bash
# Starts the demo portal: the app on http://localhost:3000 and the backend on
# http://localhost:7007, with SQLite and the example organisation and offerings.
#
# With SC_LDAP=1 the organisation comes from a directory instead: the private
# OpenLDAP of scripts/ldap.sh is started afresh (and stopped afterwards) and
# app-config.ldap.yaml is read after app-config.yaml.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
# shellcheck source=scripts/env.sh
source scripts/env.sh
if [ "${SC_LDAP:-}" != 1 ]; then
  exec yarn start "$@"
fi

bash scripts/ldap.sh start >/dev/null
trap 'bash scripts/ldap.sh stop' EXIT
yarn start --config "$PWD/app-config.yaml" --config "$PWD/app-config.ldap.yaml" "$@"
