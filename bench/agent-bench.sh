#!/usr/bin/env bash
# The agent's latency tiers and sync lag, measured with redis-benchmark on one machine.
#
# Starts a node (bin/tiercel server), two agents (bin/tiercel agent, UNIX sockets) on that node
# and a redis-server (TCP and a UNIX socket, no persistence), then runs, with 50 clients,
# 100-byte values and 100k random keys (pipeline 1 unless --pipeline; --client-threads
# redis-benchmark threads, default 1), after a warm-up that fills every key space:
#   local   GET  through agent A over its UNIX socket (the agent's own store)
#   global  GGET through agent A over its UNIX socket (forwarded to the node)
#   near    GGET through agent B, which runs --near-cache default (copies served locally
#           until the node invalidates them)
#   redis   GET  on redis-server over TCP (the baseline of the local-GET target: >= 1.5x)
#   redis   GET  on redis-server over its UNIX socket (the control: what a transport change
#           alone gives the same server, the most a UNIX-socket server can be expected to gain)
# for --rounds rounds (default 5; the local and Redis GETs back to back, the order flipped
# every round; medians of ops/s, p99 and the answering server's CPU per request are
# printed; the server is agent A, agent B or redis-server, and for GGET the node's share is not
# in it), then writes SET ... SYNC to agent A
# at a fixed --sync-rate (default 10000/s) for --sync-warmup-seconds (default 3) of warm-up
# (two connections one after the other, over --sync-warmup-keys keys, default 10,000, so that
# it both inserts and overwrites, as the measured run does), resets agent B's stats (CONFIG
# RESETSTAT), writes again on a new connection for --sync-seconds (100,000 keys) and reads the sync
# lag p50/p99 that agent B measured (INFO agent: origin send -> applied at B). The writer sends its writes
# in batches every --sync-tick-ms (default 10: batches of 100 at 10000/s). It then keeps writing
# over the same keys for --sync-steady-seconds (default 30) and measures a second window the same
# way: the first says what an agent a few seconds old does (its JIT still compiling, its heap still
# growing), the second what a running one does. --sync-steady-seconds 0 skips it. --sync-only skips
# the GET rounds.
#
#   bench/agent-bench.sh [--rounds 5] [--requests 200000] [--client-threads 1] [--pipeline 1]
#                        [--sync-rate 10000] [--sync-seconds 10] [--sync-warmup-seconds 3]
#                        [--sync-tick-ms 10] [--sync-warmup-keys 10000] [--sync-steady-seconds 30]
#                        [--sync-only]
#                        [--tiercel-flags "FLAGS"] [--sched-trace DIR]
#
# --tiercel-flags passes FLAGS to the node and to both agents (flags they share, such as
# "--io-thread-slice-micros 0" or "--io-spin-micros 0"), for an A/B of one setting.
#
# --sched-trace DIR records the sync window's scheduler events (perf sched record, every CPU) into
# DIR/sync-window.data and prints bench/sched-waits.py's summary of it (also DIR/sched-waits.txt):
# what the event loops waited for after their wake-ups. Recording costs CPU, so the lag of such a
# run is higher than without it; it shows where a tail comes from, not how long it is.
#
# --pipeline N sends the GET rounds' requests N at a time (redis-benchmark -P; the warm-up and the
# sync writes do not change).
#
# With one client thread redis-benchmark itself is the limit (it never waits; its CPU per request
# over TCP and over UNIX sets the ratio, see docs/benchmarks.md); --client-threads 2 lets it use
# both cores, so the servers' own CPU per request counts too.
#
# Runs under the shared build lock (/tmp/tiercel-mvn.lock), like every benchmark here.
set -euo pipefail

HOME_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$HOME_DIR/bench/lib.sh"
bench_lock "$@"
ROUNDS=5
REQUESTS=200000
CLIENT_THREADS=1
PIPELINE=1
CLIENTS=50
KEYS=100000
VALUE_SIZE=100
SYNC_RATE=10000
SYNC_SECONDS=10
SYNC_WARMUP_SECONDS=3
SYNC_TICK_MS=10
SYNC_WARMUP_KEYS=10000
SYNC_STEADY_SECONDS=30
SYNC_ONLY=0
TIERCEL_FLAGS=""
SCHED_TRACE=""

while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) ROUNDS="$2"; shift 2 ;;
    --requests) REQUESTS="$2"; shift 2 ;;
    --client-threads) CLIENT_THREADS="$2"; shift 2 ;;
    --pipeline) PIPELINE="$2"; shift 2 ;;
    --sync-rate) SYNC_RATE="$2"; shift 2 ;;
    --sync-seconds) SYNC_SECONDS="$2"; shift 2 ;;
    --sync-warmup-seconds) SYNC_WARMUP_SECONDS="$2"; shift 2 ;;
    --sync-tick-ms) SYNC_TICK_MS="$2"; shift 2 ;;
    --sync-warmup-keys) SYNC_WARMUP_KEYS="$2"; shift 2 ;;
    --sync-steady-seconds) SYNC_STEADY_SECONDS="$2"; shift 2 ;;
    --sync-only) SYNC_ONLY=1; shift ;;
    --tiercel-flags) TIERCEL_FLAGS="$2"; shift 2 ;;
    --sched-trace) SCHED_TRACE="$2"; shift 2 ;;
    -h|--help) bench_usage ;;
    *) echo "agent-bench: unknown flag $1" >&2; bench_usage ;;
  esac
done

[[ "$CLIENT_THREADS" =~ ^[1-9][0-9]?$ ]] || { echo "agent-bench: --client-threads takes 1 to 99" >&2; exit 2; }
[[ "$PIPELINE" =~ ^[1-9][0-9]{0,2}$ ]] || { echo "agent-bench: --pipeline takes 1 to 999" >&2; exit 2; }
[[ "$SYNC_WARMUP_KEYS" =~ ^[1-9][0-9]{0,8}$ ]] || { echo "agent-bench: --sync-warmup-keys takes 1 to 999999999" >&2; exit 2; }
[[ "$SYNC_STEADY_SECONDS" =~ ^[0-9]{1,4}$ ]] || { echo "agent-bench: --sync-steady-seconds takes 0 to 9999" >&2; exit 2; }
bench_require agent-bench redis-server redis-cli redis-benchmark python3
if [[ -n "$SCHED_TRACE" ]]; then
  command -v perf >/dev/null || {
    echo "agent-bench: --sched-trace needs perf (Debian: apt-get install linux-perf)" >&2
    exit 2
  }
  mkdir -p "$SCHED_TRACE"
fi

bench_workdir agent-bench

read -r -a EXTRA_FLAGS <<<"$TIERCEL_FLAGS"
bench_start "$WORK" node "$HOME_DIR/bin/tiercel" server --port 0 --maxmemory 2gb --loglevel warn \
  "${EXTRA_FLAGS[@]}"
N_PORT="$(bench_ready_field "$READY" port)"
bench_start "$WORK" agent-a "$HOME_DIR/bin/tiercel" agent --unixsocket "$WORK/a.sock" \
  --nodes "127.0.0.1:$N_PORT" --maxmemory 1gb --loglevel warn "${EXTRA_FLAGS[@]}"
bench_start "$WORK" agent-b "$HOME_DIR/bin/tiercel" agent --unixsocket "$WORK/b.sock" \
  --nodes "127.0.0.1:$N_PORT" --maxmemory 1gb --loglevel warn --near-cache default \
  "${EXTRA_FLAGS[@]}"
bench_redis "$WORK"
for sock in a b; do
  for _ in $(seq 1 200); do
    redis-cli -s "$WORK/$sock.sock" info agent | grep -q 'sync_subscribed:1' && break
    sleep 0.1
  done
done

echo "node:    port=$N_PORT; agents: $WORK/a.sock $WORK/b.sock"
echo "redis:   $(redis-server --version | cut -d' ' -f3) port=$R_PORT"
echo "machine: $(nproc) cores, $(uname -sr), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "client:  redis-benchmark, $CLIENTS clients, $CLIENT_THREADS thread(s), pipeline $PIPELINE"
slice_of() { redis-cli "$@" info server | tr -d '\r' | sed -n 's/^io_thread_slice_us://p'; }
# allocated_of I -> the bytes process I (0 node, 1 agent A, 2 agent B) has allocated so far (INFO
# memory's jvm_allocated_bytes), whose rate sets how often its collector runs.
SERVER_ADDR=("-p $N_PORT" "-s $WORK/a.sock" "-s $WORK/b.sock")
allocated_of() {
  # shellcheck disable=SC2086
  redis-cli ${SERVER_ADDR[$1]} info memory | tr -d '\r' | sed -n 's/^jvm_allocated_bytes://p'
}
echo "tiercel: flags '${TIERCEL_FLAGS}'; event loops' scheduler slice (us, 0 = the kernel's):" \
  "node $(slice_of -p "$N_PORT"), agent A $(slice_of -s "$WORK/a.sock"), agent B $(slice_of -s "$WORK/b.sock")"

# bench ADDRESS-FLAGS N COMMAND... -> "rps p99_ms" (redis-benchmark --csv)
bench() {
  local addr="$1" n="$2"
  shift 2
  # shellcheck disable=SC2086
  local threads=()
  (( CLIENT_THREADS > 1 )) && threads=(--threads "$CLIENT_THREADS")
  bench_rb $addr "${threads[@]}" -c "$CLIENTS" -n "$n" -d "$VALUE_SIZE" -r "$KEYS" "$@" \
    || { echo "agent-bench: redis-benchmark failed: $addr $*" >&2; return 1; }
}

# cpu_ns PID -> the CPU time of all the process's threads so far, in ns (schedstat).
cpu_ns() {
  cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{c += $1} END {printf "%d\n", c}'
}
# cpu_bench PID ADDRESS-FLAGS COMMAND... -> "rps,p99_ms,server_cpu_us,client_cpu_us": a bench of
# $REQUESTS requests, the CPU that PID (the server answering it) used per request and
# redis-benchmark's own, in microseconds. The ops/s follow the machine's other load; the CPU per
# request follows each side's own cost.
cpu_bench() {
  local pid="$1" addr="$2" c0 c1 result
  shift 2
  c0="$(cpu_ns "$pid")"
  result="$( { TIMEFORMAT='%3U %3S'; time bench "$addr" "$REQUESTS" "$@" 2>&3; } 3>&2 \
    2>"$WORK/client-time")"
  c1="$(cpu_ns "$pid")"
  awk -v r="$result" -v c=$((c1 - c0)) -v n="$REQUESTS" -v t="$(cat "$WORK/client-time")" 'BEGIN {
    split(r, f, " "); split(t, u, " ")
    printf "%s,%s,%.2f,%.2f\n", f[1], f[2], c / 1e3 / n, (u[1] + u[2]) * 1e6 / n }'
}

VALUE="$(head -c "$VALUE_SIZE" /dev/zero | tr '\0' x)"
echo "round,test,rps,p99_ms,server_cpu_us,client_cpu_us" >"$WORK/runs.csv"
if [[ "$SYNC_ONLY" == 0 ]]; then
# Warm-up, not recorded: fills every key space (so reads hit) and lets the JIT compile.
bench "-s $WORK/a.sock" 1000000 -P 16 -t set >/dev/null
bench "-p $N_PORT" 1000000 -P 16 -t set >/dev/null
bench "-p $R_PORT" 1000000 -P 16 -t set >/dev/null
bench "-s $WORK/a.sock" "$REQUESTS" -t get >/dev/null
bench "-s $WORK/a.sock" "$REQUESTS" GGET key:__rand_int__ >/dev/null
bench "-s $WORK/b.sock" "$REQUESTS" GGET key:__rand_int__ >/dev/null
bench "-p $R_PORT" "$REQUESTS" -t get >/dev/null
bench "-s $R_SOCK" "$REQUESTS" -t get >/dev/null

# run_test ROUND TEST: one measured run of TEST, appended to runs.csv.
run_test() {
  case "$2" in
    local-get-unix) echo "$1,$2,$(cpu_bench "${BENCH_PIDS[1]}" "-s $WORK/a.sock" -P "$PIPELINE" -t get)" ;;
    gget-unix) echo "$1,$2,$(cpu_bench "${BENCH_PIDS[1]}" "-s $WORK/a.sock" -P "$PIPELINE" GGET key:__rand_int__)" ;;
    gget-near-unix) echo "$1,$2,$(cpu_bench "${BENCH_PIDS[2]}" "-s $WORK/b.sock" -P "$PIPELINE" GGET key:__rand_int__)" ;;
    redis-get-tcp) echo "$1,$2,$(cpu_bench "$R_PID" "-p $R_PORT" -P "$PIPELINE" -t get)" ;;
    redis-get-unix) echo "$1,$2,$(cpu_bench "$R_PID" "-s $R_SOCK" -P "$PIPELINE" -t get)" ;;
  esac >>"$WORK/runs.csv"
}
# The local GET and Redis's GET, whose ratio is the target, run back to back in every round, as
# do Redis's TCP and UNIX GETs (the control), and the order flips every round (ABBA), so a burst
# of the machine's other load lands on both about equally often; the paired per-round ratios are
# then less noisy than a ratio of medians.
for round in $(seq 1 "$ROUNDS"); do
  order="local-get-unix redis-get-tcp redis-get-unix gget-unix gget-near-unix"
  (( round % 2 == 0 )) && order="gget-near-unix gget-unix redis-get-unix redis-get-tcp local-get-unix"
  for t in $order; do
    run_test "$round" "$t"
  done
done
fi

# Paced SET ... SYNC writes on agent A over one new connection: batches every --sync-tick-ms,
# replies read back each batch, keys sync:0 to sync:KEYS-1 in turn. The warm-up runs warm the sync
# path up; CONFIG RESETSTAT on B then zeroes its lag histogram.
sync_writer() { # SECONDS OUTFILE KEYS
python3 - "$WORK/a.sock" "$SYNC_RATE" "$1" "$VALUE" "$SYNC_TICK_MS" "$3" >"$2" <<'PY'
import socket, sys, time
path, rate, seconds, value = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
tick_s = float(sys.argv[5]) / 1000
keys = int(sys.argv[6])
s = socket.socket(socket.AF_UNIX); s.connect(path)
batch = max(1, round(rate * tick_s))
sent = 0; ok = 0; buf = b""; start = time.monotonic(); tick = start; late = 0.0
while time.monotonic() - start < seconds:
    cmds = []
    for _ in range(batch):
        k = "sync:%d" % (sent % keys)
        cmds.append(b"*4\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n$4\r\nSYNC\r\n"
                    % (len(k), k.encode(), len(value), value.encode()))
        sent += 1
    late = max(late, time.monotonic() - tick)  # this batch's send time past its schedule
    s.sendall(b"".join(cmds))
    while buf.count(b"\r\n") < batch:
        chunk = s.recv(65536)
        if not chunk:
            sys.exit("agent closed the connection: %r" % buf[-200:])
        buf += chunk
    ok += buf.count(b"+OK\r\n"); buf = b""
    tick += tick_s
    time.sleep(max(0.0, tick - time.monotonic()))
elapsed = time.monotonic() - start
print("sent=%d ok=%d seconds=%.2f rate=%.0f batch=%d most_late_ms=%.1f"
      % (sent, ok, elapsed, sent / elapsed, batch, late * 1000))
PY
}
# schedstat PID -> "cpu_ns runqueue_wait_ns slices" summed over the process's threads: how long
# its threads ran, and waited for a core while runnable (the scheduler's share of the lag).
schedstat() {
  cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{c += $1; w += $2; n += $3} END {print c, w, n}'
}
# threadcpu PID -> "jit_ns gc_ns": the CPU time so far of the process's JIT compiler threads and
# of its collector's threads (ZGC's Z*, G1's G1* and GC* threads), by thread name, to tell how
# much of a window went to compiling and collecting (a thread that ended is no longer counted).
threadcpu() {
  local t name ns jit=0 gc=0
  for t in /proc/"$1"/task/*; do
    name="$(cat "$t/comm" 2>/dev/null)" || continue
    ns="$(cut -d' ' -f1 "$t/schedstat" 2>/dev/null)" || continue
    case "$name" in
      C1\ Compiler*|C2\ Compiler*) jit=$((jit + ns)) ;;
      Z*|G1*|GC*) gc=$((gc + ns)) ;;
    esac
  done
  echo "$jit $gc"
}
# cpu_and_faults PID -> "user system faults": the process's CPU time in clock ticks (/proc/PID/stat
# fields 14 and 15), to tell the kernel's share (system calls, wake-ups, page faults) from the
# JVM's own work, and its minor page faults (field 10: first touches of fresh heap pages).
cpu_and_faults() {
  awk '{print $14, $15, $10}' /proc/"$1"/stat
}
# rss_kb PID -> the process's resident memory in KiB (VmRSS), at the window's end: how much memory
# the heap has touched so far, which the page faults above grow.
rss_kb() {
  awk '/^VmRSS:/ {print $2}' /proc/"$1"/status
}
# The warm-up covers what the measured run does. The JIT compiles the serving path from what the
# first connection did: a later connection takes branches that profile never saw (a session's
# first scratch buffer, a channel's registration), and about twenty compiled methods of agent A
# are dropped at once (uncommon traps) and compiled again during the measured window (session
# 21). Writes that overwrite took another path than inserts in the same way. So the warm-up opens
# a second connection, and by default its 10,000 keys are each written several times. Code that
# runs once per batch still reaches the JIT's last tier only after tens of seconds at this rate,
# which is what the steady window waits for.
WARM_HALF="$(awk -v s="$SYNC_WARMUP_SECONDS" 'BEGIN {print s / 2}')"
sync_writer "$WARM_HALF" "$WORK/sync-warmup.txt" "$SYNC_WARMUP_KEYS"
sync_writer "$WARM_HALF" "$WORK/sync-warmup2.txt" "$SYNC_WARMUP_KEYS"
# sync_window NAME: zeroes agent B's stats, writes --sync-seconds of SET ... SYNC over the 100,000
# measured keys on a new connection, and leaves in $WORK/NAME-*.txt the writer's line, each
# process's CPU, scheduler wait, page faults and RSS over the window, and B's INFO agent.
sync_window() {
  local label="$1" i c0 w0 n0 c1 w1 n1 u0 s0 f0 u1 s1 f1 j0 g0 j1 g1
  local -a name=(node agent-a agent-b) sched_before stat_before threads_before alloc_before
  sleep 1
  redis-cli -s "$WORK/b.sock" config resetstat >/dev/null
  for i in 0 1 2; do
    sched_before[i]="$(schedstat "${BENCH_PIDS[$i]}")"
    stat_before[i]="$(cpu_and_faults "${BENCH_PIDS[$i]}")"
    threads_before[i]="$(threadcpu "${BENCH_PIDS[$i]}")"
    alloc_before[i]="$(allocated_of "$i")"
  done
  if [[ -n "$SCHED_TRACE" && "$label" == early ]]; then
    perf sched record -a -o "$SCHED_TRACE/sync-window.data" -- sleep "$SYNC_SECONDS" \
      >"$WORK/perf-sched.log" 2>&1 &
    PERF_PID=$!
    sleep 0.2
  fi
  sync_writer "$SYNC_SECONDS" "$WORK/$label-writer.txt" 100000
  if [[ -n "$SCHED_TRACE" && "$label" == early ]]; then
    wait "$PERF_PID" || { echo "agent-bench: perf sched record failed:" >&2; cat "$WORK/perf-sched.log" >&2; }
  fi
  for i in 0 1 2; do
    read -r c0 w0 n0 <<<"${sched_before[i]}"
    read -r c1 w1 n1 <<<"$(schedstat "${BENCH_PIDS[$i]}")"
    read -r u0 s0 f0 <<<"${stat_before[i]}"
    read -r u1 s1 f1 <<<"$(cpu_and_faults "${BENCH_PIDS[$i]}")"
    read -r j0 g0 <<<"${threads_before[i]}"
    read -r j1 g1 <<<"$(threadcpu "${BENCH_PIDS[$i]}")"
    awk -v p="${name[i]}" -v c=$((c1 - c0)) -v w=$((w1 - w0)) -v n=$((n1 - n0)) \
        -v u=$((u1 - u0)) -v s=$((s1 - s0)) -v f=$((f1 - f0)) -v hz="$(getconf CLK_TCK)" \
        -v j=$((j1 - j0)) -v g=$((g1 - g0)) -v rss="$(rss_kb "${BENCH_PIDS[$i]}")" \
        -v a=$(($(allocated_of "$i") - alloc_before[i])) \
        -v writes="$(sed -n 's/^sent=\([0-9]*\).*/\1/p' "$WORK/$label-writer.txt")" 'BEGIN {
      printf "sync window %-8s cpu %6.0f ms (user %.0f, system %.0f; JIT %.0f, GC %.0f), runnable but waiting for a core %6.0f ms over %d runs (%.0f us each), %d page faults, rss %.0f MB, allocated %.0f B a write\n",
        p, c / 1e6, u * 1000 / hz, s * 1000 / hz, j / 1e6, g / 1e6, w / 1e6, n, n ? w / n / 1e3 : 0, f, rss / 1024, writes ? a / writes : 0 }' >>"$WORK/$label-sched.txt"
  done
  # Let B drain, then read its lag.
  sleep 5
  redis-cli -s "$WORK/b.sock" info agent | tr -d '\r' >"$WORK/$label-info-b.txt"
}
# The early window: an agent a few seconds old. The steady one: after --sync-steady-seconds more
# writes over the measured keys, with the JIT mostly done and the heaps at their targets.
sync_window early
if (( SYNC_STEADY_SECONDS > 0 )); then
  sync_writer "$SYNC_STEADY_SECONDS" "$WORK/steady-warmup.txt" 100000
  sync_window steady
fi

python3 - "$WORK/runs.csv" "$CLIENT_THREADS" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
CLIENT_THREADS = int(sys.argv[2])
if not rows:
    sys.exit(0)
med = {}
for t in ("local-get-unix", "gget-unix", "gget-near-unix", "redis-get-tcp", "redis-get-unix"):
    r = [x for x in rows if x["test"] == t]
    med[t] = (statistics.median(float(x["rps"]) for x in r),
              statistics.median(float(x["p99_ms"]) for x in r),
              statistics.median(float(x["server_cpu_us"]) for x in r),
              statistics.median(float(x["client_cpu_us"]) for x in r))
    print("%-16s median %10.0f ops/s  p99 %.3f ms  server cpu %5.2f us/request  "
          "client cpu %5.2f us/request  (%d rounds)"
          % (t, med[t][0], med[t][1], med[t][2], med[t][3], len(r)))
print("local GET / redis GET over TCP = %.2fx (target >= 1.5x)"
      % (med["local-get-unix"][0] / med["redis-get-tcp"][0]))
rounds = sorted({x["round"] for x in rows}, key=int)
def per_round(test):
    per = []
    for n in rounds:
        by = {x["test"]: float(x["rps"]) for x in rows if x["round"] == n}
        per.append(by[test] / by["redis-get-tcp"])
    return " ".join("%.2f" % r for r in per), statistics.median(per)
print("per-round local GET / redis GET over TCP (run back to back): %s, median %.2fx"
      % per_round("local-get-unix"))
print("control, per-round redis GET over UNIX / redis GET over TCP: %s, median %.2fx "
      "(the transport's own gain for one server)" % per_round("redis-get-unix"))
print("server cpu per GET: agent A %.2f us (local), redis-server %.2f us (TCP), %.2f us (UNIX)"
      % (med["local-get-unix"][2], med["redis-get-tcp"][2], med["redis-get-unix"][2]))
# A client that never waits does ops/s = 1 / its CPU per request: the ratio its two costs allow.
print("redis-benchmark cpu per GET: %.2f us (local, UNIX), %.2f us (Redis, TCP); a client that "
      "never waits allows %.2fx; its busy share of the runs: %.0f%% and %.0f%%"
      % (med["local-get-unix"][3], med["redis-get-tcp"][3],
         med["redis-get-tcp"][3] / med["local-get-unix"][3],
         100 * med["local-get-unix"][3] * med["local-get-unix"][0] / 1e6 / max(1, CLIENT_THREADS),
         100 * med["redis-get-tcp"][3] * med["redis-get-tcp"][0] / 1e6 / max(1, CLIENT_THREADS)))
PY
for label in early steady; do
  [[ -s "$WORK/$label-info-b.txt" ]] || continue
  case "$label" in
    early) echo "sync lag, early window (after a ${SYNC_WARMUP_SECONDS} s warm-up):" ;;
    steady) echo "sync lag, steady window (after ${SYNC_STEADY_SECONDS} s more of writes):" ;;
  esac
  echo "sync writer: $(cat "$WORK/$label-writer.txt")"
  cat "$WORK/$label-sched.txt"
  grep -E '^(sync_sent|sync_applied|sync_ignored_old|sync_lag_p[0-9]+_us|sync_lag_max_us|sync_missed|sync_repaired):' \
    "$WORK/$label-info-b.txt" | sed "s/^/agent B ($label): /"
done
if [[ -n "$SCHED_TRACE" && -s "$SCHED_TRACE/sync-window.data" ]]; then
  echo "scheduler trace of the sync window ($SCHED_TRACE/sync-window.data; recording it raised the lag):"
  python3 "$HOME_DIR/bench/sched-waits.py" "$SCHED_TRACE/sync-window.data" | tee "$SCHED_TRACE/sched-waits.txt"
fi
echo "raw runs: $WORK/runs.csv"
