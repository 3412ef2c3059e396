# Shared pieces of the benchmark scripts (sourced, not run): the build lock, tool checks, free
# ports, starting a server and waiting for its ready line, a throwaway redis-server, and
# redis-benchmark's CSV output. Every wait is bounded; every process started here is stopped by
# PID in bench_cleanup, which the sourcing script calls from its EXIT trap.
#
#   source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#   bench_lock "$@"                      # re-runs the script under /tmp/tiercel-mvn.lock
#   bench_require NAME tool...           # exits 1 naming the first missing tool
#   trap bench_cleanup EXIT           # or bench_workdir NAME, which also makes WORK

BENCH_LOCK=/tmp/tiercel-mvn.lock
BENCH_PIDS=()

# bench_lock ARGS... -> re-executes the calling script under the shared build lock, once.
# A script started as `flock /tmp/tiercel-mvn.lock bench/x.sh` already runs under the lock: taking
# it again would wait for itself forever (flock locks belong to open files, not processes).
bench_lock() {
  if [[ -n "${TIERCEL_BENCH_LOCKED:-}" ]]; then
    return
  fi
  if bench_lock_held_by_ancestor; then
    export TIERCEL_BENCH_LOCKED=1
    return
  fi
  exec env TIERCEL_BENCH_LOCKED=1 flock "$BENCH_LOCK" "$0" "$@"
}

# bench_lock_held_by_ancestor -> whether this process or one of its parents holds $BENCH_LOCK
# (read from /proc/locks: "N: FLOCK ADVISORY WRITE PID MAJ:MIN:INODE START END").
bench_lock_held_by_ancestor() {
  [[ -e "$BENCH_LOCK" && -r /proc/locks ]] || return 1
  local inode holders p h
  inode=$(stat -c %i "$BENCH_LOCK")
  holders=$(awk -v ino="$inode" '$2 == "FLOCK" { n = split($6, f, ":"); if (f[n] == ino) print $5 }' /proc/locks)
  [[ -n "$holders" ]] || return 1
  p=$$
  while [[ -n "$p" && "$p" -gt 1 ]]; do
    for h in $holders; do
      [[ "$h" == "$p" ]] && return 0
    done
    p=$(awk '/^PPid:/ { print $2 }' "/proc/$p/status" 2>/dev/null)
  done
  return 1
}

# bench_usage -> prints the calling script's header comment (every "#" line after the shebang,
# up to the first other line) to stderr, without the "# ", and exits 2.
bench_usage() {
  awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0" >&2
  exit 2
}

# bench_require NAME TOOL... -> exits 1 if a tool is not on the PATH.
bench_require() {
  local name="$1" tool
  shift
  for tool in "$@"; do
    command -v "$tool" >/dev/null || {
      echo "$name: $tool is missing (dev-support/install-deps.sh installs it)" >&2
      exit 1
    }
  done
}

# bench_free_port -> prints a TCP port on 127.0.0.1 that was free a moment ago.
bench_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# bench_start DIR NAME CMD... -> starts CMD with stdout on a FIFO, waits (120 s at most) for its
# "ready ..." line, sets READY to it and keeps draining the rest into DIR/NAME.stdout; stderr
# goes to DIR/NAME.err. Exits 1 if no ready line comes.
bench_start() {
  local dir="$1" name="$2" fd
  shift 2
  mkfifo "$dir/$name.out"
  "$@" >"$dir/$name.out" 2>"$dir/$name.err" &
  BENCH_PIDS+=("$!")
  LAST_PID=$!
  exec {fd}<"$dir/$name.out"
  READY=""
  local deadline=$((SECONDS + 120))
  while [[ "$READY" != ready\ * ]]; do
    if (( SECONDS >= deadline )) || ! read -r -t 120 READY <&"$fd"; then
      echo "$name did not print its ready line; see $dir/$name.err" >&2
      exit 1
    fi
  done
  cat <&"$fd" >"$dir/$name.stdout" &
}

# bench_ready_field READY FIELD -> prints FIELD's value from a "ready a=1 b=2" line.
bench_ready_field() {
  sed -n "s/.*\\b$2=\\([^ ]*\\).*/\\1/p" <<<"$1"
}

# bench_redis DIR [redis-server flags...] -> starts a throwaway redis-server on a free loopback
# port and DIR/redis.sock, without persistence; sets R_PORT, R_SOCK and R_PID once it answers.
bench_redis() {
  local dir="$1"
  shift
  R_PORT="$(bench_free_port)"
  R_SOCK="$dir/redis.sock"
  redis-server --port "$R_PORT" --bind 127.0.0.1 --unixsocket "$R_SOCK" --unixsocketperm 700 \
    --save '' --appendonly no --dir "$dir" --daemonize no --logfile "$dir/redis.log" "$@" &
  R_PID=$!
  BENCH_PIDS+=("$R_PID")
  local _
  for _ in $(seq 1 100); do
    redis-cli -s "$R_SOCK" ping >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "redis-server did not answer within 10 s; see $dir/redis.log" >&2
  exit 1
}

# bench_workdir NAME -> sets WORK to a new directory /tmp/tiercel-NAME.XXXXXX and traps EXIT to
# stop what bench_start and bench_redis started (bench_cleanup) and remove the sockets in WORK.
bench_workdir() {
  WORK="$(mktemp -d "/tmp/tiercel-$1.XXXXXX")"
  trap 'bench_cleanup; rm -f "$WORK"/*.sock' EXIT
}

# bench_tiercel_and_redis DIR [tiercel server flags...] -> starts a Tiercel node (free TCP port,
# DIR/tiercel.sock, 2 GB, warnings only) and a throwaway redis-server (bench_redis) side by side;
# sets TIERCEL_PID, T_PORT and T_SOCK besides bench_redis's R_PORT, R_SOCK and R_PID.
bench_tiercel_and_redis() {
  local dir="$1"
  shift
  bench_start "$dir" tiercel "$HOME_DIR/bin/tiercel" server --port 0 \
    --unixsocket "$dir/tiercel.sock" --maxmemory 2gb --loglevel warn "$@"
  TIERCEL_PID=$LAST_PID
  T_PORT="$(bench_ready_field "$READY" port)"
  T_SOCK="$(bench_ready_field "$READY" unixsocket)"
  if [[ -z "$T_PORT" || -z "$T_SOCK" ]]; then
    echo "cannot parse the node's ready line: $READY" >&2
    exit 1
  fi
  bench_redis "$dir"
}

# bench_addr SERVER TRANSPORT -> redis-benchmark's address flags for tiercel or redis over tcp
# or unix, as bench_tiercel_and_redis started them.
bench_addr() {
  case "$1/$2" in
    tiercel/tcp) echo "-h 127.0.0.1 -p $T_PORT" ;;
    tiercel/unix) echo "-s $T_SOCK" ;;
    redis/tcp) echo "-h 127.0.0.1 -p $R_PORT" ;;
    redis/unix) echo "-s $R_SOCK" ;;
  esac
}

# bench_rb ARGS... -> runs redis-benchmark --csv ARGS (300 s at most; a custom command goes
# last) and prints "rps p99_ms".
bench_rb() {
  timeout 300 redis-benchmark --csv "$@" 2>/dev/null \
    | awk -F, 'NR == 2 { gsub(/"/, ""); print $2, $7 }' | grep '[0-9]'
}

# bench_cpu_ticks PID -> the process's CPU time so far (user + system), in clock ticks
# (/proc/PID/stat fields 14 and 15).
bench_cpu_ticks() {
  awk '{print $14 + $15}' "/proc/$1/stat"
}

# bench_minor_faults PID -> the process's minor page faults so far (/proc/PID/stat field 10).
bench_minor_faults() {
  awk '{print $10}' "/proc/$1/stat"
}

# bench_cleanup -> stops every process started through this file, by PID.
bench_cleanup() {
  local pid
  for pid in "${BENCH_PIDS[@]}"; do
    kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  done
  true
}
