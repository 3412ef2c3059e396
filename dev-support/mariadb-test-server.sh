#!/usr/bin/env bash
# Starts or stops a throwaway MariaDB server for tests and benchmarks: loopback only, its own data
# directory, socket and pid file under DIR, no grant tables (any user, no password).
#
#   dev-support/mariadb-test-server.sh start DIR PORT   # prints "ready pid=P port=PORT" when it answers
#   dev-support/mariadb-test-server.sh stop DIR         # stops the server whose pid is in DIR/mariadb.pid
#
# Idempotent: `start` on an initialised DIR reuses its data (a restart after an outage); `stop`
# of a stopped server does nothing. Runs as root as well (CI): mariadbd is told --user of the
# current user. The database `tiercel` is created on start.
set -euo pipefail

cmd=${1:-}
dir=${2:-}
if [[ -z "$cmd" || -z "$dir" ]]; then
  echo "usage: $0 start DIR PORT | stop DIR" >&2
  exit 2
fi
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
mariadbd=$(command -v mariadbd || echo /usr/sbin/mariadbd)
user=$(id -un)
pidfile="$dir/mariadb.pid"

case "$cmd" in
  start)
    port=${3:?port}
    if [[ ! -d "$dir/data/mysql" ]]; then
      mkdir -p "$dir/data"
      mariadb-install-db --no-defaults --datadir="$dir/data" --user="$user" \
        --auth-root-authentication-method=normal --skip-test-db >"$dir/install.log" 2>&1 \
        || { cat "$dir/install.log" >&2; exit 1; }
    fi
    "$mariadbd" --no-defaults --datadir="$dir/data" --port="$port" --bind-address=127.0.0.1 \
      --socket="$dir/mariadb.sock" --pid-file="$pidfile" --user="$user" --skip-grant-tables \
      --skip-name-resolve --log-error="$dir/error.log" --innodb-buffer-pool-size=64M \
      --max-connections=500 >/dev/null 2>&1 &
    pid=$!
    for _ in $(seq 1 600); do
      if mariadb --no-defaults --protocol=socket --socket="$dir/mariadb.sock" -uroot \
          -e 'CREATE DATABASE IF NOT EXISTS tiercel' >/dev/null 2>&1; then
        echo "$pid" >"$pidfile"
        echo "ready pid=$pid port=$port"
        exit 0
      fi
      if ! kill -0 "$pid" 2>/dev/null; then
        echo "mariadbd exited during start; see $dir/error.log:" >&2
        tail -20 "$dir/error.log" >&2 || true
        exit 1
      fi
      sleep 0.1
    done
    echo "mariadbd did not answer within 60s" >&2
    kill "$pid" 2>/dev/null || true
    exit 1
    ;;
  stop)
    [[ -f "$pidfile" ]] || exit 0
    pid=$(cat "$pidfile")
    if kill "$pid" 2>/dev/null; then
      for _ in $(seq 1 600); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
      done
    fi
    rm -f "$pidfile"
    ;;
  *)
    echo "usage: $0 start DIR PORT | stop DIR" >&2
    exit 2
    ;;
esac
