#!/usr/bin/env bash
# Starts or stops a throwaway PostgreSQL server for tests and benchmarks: loopback only, its own
# data directory, socket and log under DIR, trust authentication (superuser `tiercel`, no password).
#
#   dev-support/postgres-test-server.sh start DIR PORT   # prints "ready pid=P port=PORT" when it answers
#   dev-support/postgres-test-server.sh stop DIR         # stops the server whose data is DIR/data
#
# Idempotent: `start` on an initialised DIR reuses its data (a restart after an outage), and on a
# running server only reports it; `stop` of a stopped server does nothing. Uses the newest
# /usr/lib/postgresql/*/bin (Debian's `postgresql` package). PostgreSQL refuses to run as root, so
# under root (CI) DIR is handed to the `postgres` user the package creates and the server runs as
# that user. The database `tiercel` is created on start.
set -euo pipefail

cmd=${1:-}
dir=${2:-}
if [[ -z "$cmd" || -z "$dir" ]]; then
  echo "usage: $0 start DIR PORT | stop DIR" >&2
  exit 2
fi
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [[ -z "$bin" || ! -x "$bin/pg_ctl" ]]; then
  echo "PostgreSQL not found under /usr/lib/postgresql (run dev-support/install-deps.sh)" >&2
  exit 1
fi
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
data="$dir/data"
as=()
if [[ "$(id -u)" == 0 ]]; then
  as=(runuser -u postgres --)
  chown postgres "$dir"
fi

case "$cmd" in
  start)
    port=${3:?port}
    if [[ ! -f "$data/PG_VERSION" ]]; then
      rm -rf "$data"
      "${as[@]}" "$bin/initdb" -D "$data" -U tiercel --auth=trust -E UTF8 --no-sync \
        >"$dir/install.log" 2>&1 || { cat "$dir/install.log" >&2; exit 1; }
    fi
    if ! "${as[@]}" "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
      "${as[@]}" "$bin/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 \
        -o "-p $port -c listen_addresses=127.0.0.1 -k $dir -c max_connections=300" start \
        >/dev/null 2>&1 || { echo "postgres did not start; see $dir/server.log:" >&2;
          tail -20 "$dir/server.log" >&2 || true; exit 1; }
    fi
    port=$(sed -n 4p "$data/postmaster.pid")
    out=$("${as[@]}" "$bin/createdb" -h 127.0.0.1 -p "$port" -U tiercel tiercel 2>&1) \
      || [[ "$out" == *"already exists"* ]] || { echo "$out" >&2; exit 1; }
    echo "ready pid=$(head -1 "$data/postmaster.pid") port=$port"
    ;;
  stop)
    [[ -f "$data/postmaster.pid" ]] || exit 0
    "${as[@]}" "$bin/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null 2>&1 || true
    ;;
  *)
    echo "usage: $0 start DIR PORT | stop DIR" >&2
    exit 2
    ;;
esac
