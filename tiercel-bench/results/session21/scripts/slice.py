# Sets an EEVDF custom slice (sched_attr.sched_runtime, Linux 6.12+) on every thread of the given PIDs.
import ctypes, os, struct, sys
libc = ctypes.CDLL(None, use_errno=True)
SYS_sched_setattr = 314
slice_ns = int(os.environ.get("SLICE_NS", "100000"))
for pid in sys.argv[1:]:
    for tid in os.listdir(f"/proc/{pid}/task"):
        attr = struct.pack("=IIQiIQQQII", 56, 0, 0, 0, 0, slice_ns, 0, 0, 0, 0)
        buf = ctypes.create_string_buffer(attr, 56)
        r = libc.syscall(SYS_sched_setattr, int(tid), buf, 0)
        if r != 0:
            print("tid", tid, "errno", ctypes.get_errno(), file=sys.stderr)
print("slice set", slice_ns, file=sys.stderr)
