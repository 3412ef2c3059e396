#!/usr/bin/env python3
"""What Tiercel's event loops waited for: a summary of a `perf sched record` trace.

    bench/sched-waits.py TRACE.data [--loops REGEX] [--over-ms 1] [--tasks 15]

Reads the trace through `perf sched timehist` and prints
  - per task name (threads of one name together): switch-ins, CPU time and the delay from
    wake-up to running (p50, p99, max);
  - the event loops' waits longer than --over-ms (loops: threads whose name matches --loops,
    by default the node's `tiercel-io-*` and the agent's `tiercel-agent-io-*`, which Linux
    shortens to `tiercel-agent-i`), and what the CPUs ran meanwhile, by kind: JIT compiler
    threads, the collector's threads (`Z*`, `G1*`, `GC*`), other JVM threads, other event loops,
    other processes, kernel threads, idle.

`bench/agent-bench.sh --sched-trace DIR` records such a trace of its sync window and runs this.
"""
import argparse
import collections
import re
import subprocess
import sys

ROW = re.compile(r'\s*(\d+\.\d+) \[(\d+)\]\s+(.+?)\s+(\d+\.\d+)\s+(\d+\.\d+)\s+(\d+\.\d+)\s*$')
KERNEL = re.compile(r'(kdamond|kworker|rcu_|ksoftirqd|kcompactd|migration|kswapd|memfd:)')


def read(trace):
    """Yields (end, cpu, task, delay, run) per switch-out, times in seconds."""
    out = subprocess.run(['perf', 'sched', 'timehist', '-i', trace, '-w'], check=True,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout
    for line in out.splitlines():
        m = ROW.match(line)
        if m:
            end, cpu, task, _wait, delay, run = m.groups()
            yield float(end), int(cpu), task.strip(), float(delay) / 1e3, float(run) / 1e3


def name_of(task):
    return re.sub(r'\[.*', '', task)


def kind(task, loops):
    n = name_of(task)
    if loops.search(n):
        return 'other event loops'
    if n.startswith(('C1 Compiler', 'C2 Compiler')):
        return 'JIT compiler threads'
    if n.startswith(('Z', 'G1', 'GC ')):
        return 'collector threads'
    if n == '<idle>':
        return 'idle'
    if KERNEL.match(n):
        return 'kernel threads'
    if re.search(r'\[\d+/\d+\]', task) and not n.startswith(('python', 'redis', 'bash')):
        return 'other JVM threads'
    return 'other processes'


def pct(sorted_values, q):
    return sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * q))]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('trace')
    ap.add_argument('--loops', default=r'^tiercel-(io|agent-i)')
    ap.add_argument('--over-ms', type=float, default=1.0)
    ap.add_argument('--tasks', type=int, default=15)
    args = ap.parse_args()
    loops = re.compile(args.loops)
    rows = list(read(args.trace))
    if not rows:
        sys.exit('sched-waits: no switches in ' + args.trace)
    by_name = collections.defaultdict(list)
    for r in rows:
        by_name[name_of(r[2])].append(r)
    print(f"{'task':24s} {'runs':>6s} {'cpu ms':>8s} {'delay p50':>9s} {'p99':>7s} {'max ms':>7s}")
    ranked = sorted(by_name.items(), key=lambda kv: -sum(r[4] for r in kv[1]))
    for name, rs in [kv for kv in ranked if kv[0] != '<idle>'][:args.tasks]:
        d = sorted(r[3] * 1e3 for r in rs)
        print(f"{name:24s} {len(rs):6d} {sum(r[4] for r in rs) * 1e3:8.1f} "
              f"{pct(d, .5):9.3f} {pct(d, .99):7.3f} {d[-1]:7.3f}")
    loop_runs = [r for r in rows if loops.search(name_of(r[2]))]
    waits = [r for r in loop_runs if r[3] > args.over_ms / 1e3]
    print(f"\nevent loops: {len(loop_runs)} runs, {len(waits)} waited over {args.over_ms:g} ms "
          f"after their wake-up ({sum(r[3] for r in waits) * 1e3:.0f} ms in all)")
    if not waits:
        return
    share = collections.Counter()
    for end, _cpu, task, delay, run in waits:
        began = end - run
        woke = began - delay
        for q_end, _qcpu, q_task, _qd, q_run in rows:
            q_began = q_end - q_run
            if q_end > woke and q_began < began and q_task != task:
                share[kind(q_task, loops)] += min(q_end, began) - max(q_began, woke)
    total = sum(share.values())
    print("the CPUs meanwhile ran:")
    for k, v in share.most_common():
        print(f"  {k:24s} {v / total * 100:5.1f} %")


if __name__ == '__main__':
    main()
