#!/usr/bin/env bash
# Installs what the test suite needs beyond Maven and a JDK, idempotently: redis-tools
# (redis-cli, redis-benchmark) and redis-server for protocol tests and comparisons, memcached for
# load-generator comparisons, MariaDB and PostgreSQL for the JDBC backing store (tests start their
# own servers: dev-support/mariadb-test-server.sh, dev-support/postgres-test-server.sh),
# curl for the HTTP API's script tests, and wrk for the HTTP benchmark (bench/http-vs-resp.sh).
# Does nothing when everything is present; needs root (or sudo) otherwise.
set -euo pipefail

need=()
command -v redis-cli >/dev/null || need+=(redis-tools)
command -v redis-server >/dev/null || need+=(redis-server)
command -v memcached >/dev/null || need+=(memcached)
command -v mariadbd >/dev/null || [[ -x /usr/sbin/mariadbd ]] || need+=(mariadb-server)
command -v mariadb >/dev/null || need+=(mariadb-client)
compgen -G '/usr/lib/postgresql/*/bin/pg_ctl' >/dev/null || need+=(postgresql)
command -v curl >/dev/null || need+=(curl)
command -v wrk >/dev/null || need+=(wrk)

if [[ ${#need[@]} -eq 0 ]]; then
  exit 0
fi

SUDO=""
if [[ "$(id -u)" != 0 ]]; then
  SUDO="sudo -n"
fi
echo "install-deps: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >&2
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
# Debian's packages start services on their default ports; tests start their own on free ports.
if command -v systemctl >/dev/null; then
  for svc in redis-server memcached mariadb postgresql; do
    if systemctl is-active --quiet "$svc" 2>/dev/null; then
      $SUDO systemctl stop "$svc" >&2 || true
    fi
  done
fi
