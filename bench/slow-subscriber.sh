#!/usr/bin/env bash
# What a subscriber that stops reading costs a node, with client-output-buffer-limit at its
# default (pubsub 32mb 8mb 60) and turned off (pubsub 0 0 0, the node before session 13).
#
# For each setting: starts a node (bin/tiercel server), connects a subscriber with a 4 KB receive
# buffer that subscribes and then reads nothing, and PUBLISHes --messages messages of --size bytes
# from one pipelined publisher (batches of 1000). Prints the node's resident memory before and
# after (VmRSS) and at its peak (VmHWM), how many PUBLISHes still reached the subscriber, and
# client_output_buffer_limit_disconnections from INFO stats. A third row, a subscriber that reads
# everything (its own process, the system's default receive buffer), is the baseline: what the same publishing costs the node (a ZGC heap that grows with
# the garbage of the publisher's commands) when nothing waits.
#
#   bench/slow-subscriber.sh [--messages 200000] [--size 4096]
#
# Runs under the shared build lock (/tmp/tiercel-mvn.lock), like every benchmark here.
set -euo pipefail

HOME_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$HOME_DIR/bench/lib.sh"
bench_lock "$@"
MESSAGES=200000
SIZE=4096
while [[ $# -gt 0 ]]; do
  case "$1" in
    --messages) MESSAGES="$2"; shift 2 ;;
    --size) SIZE="$2"; shift 2 ;;
    *) bench_usage ;;
  esac
done
bench_require slow-subscriber python3
trap bench_cleanup EXIT
OUT="$(mktemp -d /tmp/tiercel-slowsub.XXXXXX)"

printf '%-24s %9s %7s %11s %10s %9s %11s %8s\n' limit messages size rss_before rss_after rss_peak reached closed
for run in "stalled|" "stalled|pubsub 0 0 0" "reading|"; do
  IFS='|' read -r subscriber limit <<<"$run"
  name="n$RANDOM"
  flags=(--port 0 --http-port -1 --loglevel warn --dir "$OUT")
  [[ -n "$limit" ]] && flags+=(--client-output-buffer-limit "$limit")
  bench_start "$OUT" "$name" "$HOME_DIR/bin/tiercel" server "${flags[@]}"
  port="$(bench_ready_field "$READY" port)"
  timeout 600 python3 - "$port" "$LAST_PID" "$MESSAGES" "$SIZE" "${limit:-default}" "$subscriber" <<'PY'
import os, socket, sys
port, pid, messages, size, limit = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
reading = sys.argv[6] == "reading"

def status(field):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1]) // 1024
    return -1

def connect(rcvbuf=None):
    s = socket.socket()
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.connect(("127.0.0.1", port))
    s.settimeout(None if reading else 60)
    return s

def read_replies(s, buf, n):
    """Reads n integer replies; returns (buf left over, how many were non-zero)."""
    nonzero = 0
    while n:
        while b"\r\n" not in buf:
            chunk = s.recv(1 << 16)
            if not chunk:
                raise SystemExit("publisher closed")
            buf += chunk
        line, buf = buf.split(b"\r\n", 1)
        if line[:1] != b":":
            raise SystemExit("unexpected reply " + line.decode())
        nonzero += line != b":0"
        n -= 1
    return buf, nonzero

sub = connect(None if reading else 4096)
sub.sendall(b"*2\r\n$9\r\nSUBSCRIBE\r\n$4\r\nnews\r\n")
got = b""
while not got.endswith(b":1\r\n"):
    got += sub.recv(1)
if reading:
    limit += ", reading"
    if os.fork() == 0:  # a process of its own, so the publisher's work never slows it
        try:
            while sub.recv(1 << 20):
                pass
        finally:
            os._exit(0)
before = status("VmRSS")
pub = connect()
payload = b"x" * size
frame = b"*3\r\n$7\r\nPUBLISH\r\n$4\r\nnews\r\n$%d\r\n%s\r\n" % (size, payload)
buf, reached, sent = b"", 0, 0
while sent < messages:
    batch = min(1000, messages - sent)
    pub.sendall(frame * batch)
    buf, r = read_replies(pub, buf, batch)
    reached += r
    sent += batch
after, peak = status("VmRSS"), status("VmHWM")
pub.sendall(b"*2\r\n$4\r\nINFO\r\n$5\r\nstats\r\n")
info = b""
while b"pubsub_patterns" not in info:
    info += pub.recv(1 << 16)
closed = [l.split(":")[1] for l in info.decode().split("\r\n")
          if l.startswith("client_output_buffer_limit_disconnections:")][0]
print("%-24s %9d %7d %9dMB %8dMB %7dMB %11d %8s" % (limit, messages, size, before, after, peak, reached, closed))
PY
  kill "$LAST_PID" 2>/dev/null || true
  wait "$LAST_PID" 2>/dev/null || true
done
rm -rf "$OUT"
