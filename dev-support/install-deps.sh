#!/usr/bin/env bash
# Installs what the test suite needs beyond Maven and a JDK, idempotently: redis-tools
# (redis-cli, redis-benchmark) and redis-server for protocol tests and comparisons.
# Does nothing when everything is present; needs root (or sudo) otherwise.
set -euo pipefail

need=()
command -v redis-cli >/dev/null || need+=(redis-tools)
command -v redis-server >/dev/null || need+=(redis-server)

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
# The Debian package starts a redis-server service on 6379; tests start their own on free ports.
if command -v systemctl >/dev/null && systemctl is-active --quiet redis-server 2>/dev/null; then
  $SUDO systemctl stop redis-server >&2 || true
fi
