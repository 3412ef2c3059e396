import re, sys, collections
rows=[]
for line in open(sys.argv[1]):
    m=re.match(r'\s*(\d+\.\d+) \[(\d+)\]\s+(.+?)\s+(\d+\.\d+)\s+(\d+\.\d+)\s+(\d+\.\d+)\s*$', line)
    if m:
        t,cpu,task,wait,delay,run=m.groups()
        rows.append((float(t),int(cpu),task.strip(),float(wait)/1e3,float(delay)/1e3,float(run)/1e3))
# group by task name prefix
agg=collections.defaultdict(list)
for r in rows:
    name=re.sub(r'\[.*','',r[2])
    agg[name].append(r)
print("task  n  runtime_ms  delay p50 p99 max (ms)")
tot=sorted(agg.items(), key=lambda kv:-sum(x[5] for x in kv[1]))
for name,rs in tot[:30]:
    d=sorted(x[4] for x in rs)
    print(f"{name:32s} {len(rs):6d} {sum(x[5] for x in rs)*1e3:9.1f} {d[len(d)//2]*1e3:.3f} {d[int(len(d)*.99)]*1e3:.3f} {d[-1]*1e3:.3f}")
# event loop threads: delays > 1ms, show what ran on each cpu in the interval
loops=[r for r in rows if re.match(r'tiercel-(io|agent-i)',r[2])]
big=[r for r in loops if r[4]>1e-3]
print("loop switch-ins", len(loops), "delay>1ms", len(big), "delay>0.5ms", sum(1 for r in loops if r[4]>0.5e-3))
for r in big[:int(sys.argv[2]) if len(sys.argv)>2 else 10]:
    t_in=r[0]-r[5]; t_wake=t_in-r[4]
    print(f"--- {r[2]} waited {r[4]*1e3:.3f} ms from {t_wake:.6f}")
    for q in rows:
        start=q[0]-q[5]
        if q[0]>t_wake and start<t_in and q[2]!=r[2]:
            print(f"    cpu{q[1]} {q[2]:40s} ran {max(start,t_wake):.6f}-{min(q[0],t_in):.6f} ({(min(q[0],t_in)-max(start,t_wake))*1e3:.3f} ms)")
