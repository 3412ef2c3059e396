#!/usr/bin/env bash
# Runs every test: installs test dependencies if missing, then the whole Maven build with its
# unit and integration tests. This is the README's test command and what CI runs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
dev-support/install-deps.sh
exec mvn -B -ntp verify "$@"
