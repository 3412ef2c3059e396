# Sets an EEVDF custom slice (sched_attr.sched_runtime) on the threads of the given PIDs whose
# name matches THREADS (a regex; default: the event loops), keeping each thread's policy and nice.
import ctypes, os, re, struct, sys
libc = ctypes.CDLL(None, use_errno=True)
SYS_sched_setattr, SYS_sched_getattr = 314, 315
slice_ns = int(os.environ.get("SLICE_NS", "100000"))
pat = re.compile(os.environ.get("THREADS", r"^tiercel-(io|agent-i)"))
n = 0
for pid in sys.argv[1:]:
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            name = open(f"/proc/{pid}/task/{tid}/comm").read().strip()
        except OSError:
            continue
        if not pat.search(name):
            continue
        buf = ctypes.create_string_buffer(56)
        if libc.syscall(SYS_sched_getattr, int(tid), buf, 56, 0) != 0:
            print("getattr", tid, ctypes.get_errno(), file=sys.stderr); continue
        f = list(struct.unpack("=IIQiIQQQII", buf.raw))
        f[0] = 56; f[5] = slice_ns
        buf = ctypes.create_string_buffer(struct.pack("=IIQiIQQQII", *f), 56)
        if libc.syscall(SYS_sched_setattr, int(tid), buf, 0) != 0:
            print("setattr", tid, name, ctypes.get_errno(), file=sys.stderr); continue
        n += 1; print(pid, name, file=sys.stderr)
print("slice", slice_ns, "set on", n, "threads matching", pat.pattern, file=sys.stderr)
