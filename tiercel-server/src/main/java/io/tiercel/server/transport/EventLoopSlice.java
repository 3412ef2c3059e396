package io.tiercel.server.transport;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Locale;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks Linux for a short scheduler time slice on each worker event loop's thread, so that a loop
 * woken by a request runs at once instead of waiting behind a busy thread.
 *
 * <p><b>Why.</b> Linux's fair scheduler (EEVDF, since 6.6) gives every runnable thread a virtual
 * deadline, the point at which it has had its slice, and runs the eligible thread whose deadline
 * is earliest. A woken thread preempts the running one only when its own deadline comes first;
 * otherwise it waits until the running thread has used its slice (by default 1.4 ms on the
 * 2-core machine of the benchmarks; it grows with the log of the cores), which the kernel
 * notices at its next tick, 4 ms apart at 250 Hz. Perf's scheduler traces of the sync bench on
 * 2 cores (docs/benchmarks.md, session 22) show an agent's loop woken by a message and then
 * waiting 1-6 ms while a JIT compiler thread, the collector or the writing application ran its
 * slice out. Since Linux 6.12 a thread may ask for a slice of its own ({@code
 * sched_attr.sched_runtime}, 0.1 to 100 ms, no privilege needed); a short one brings its deadline
 * forward, so the woken loop is picked first. A slice sets how
 * soon a thread runs, not how much: the CPU is still shared by weight (nice), and a loop that
 * wants more than its share is cut off sooner, as it should be.
 *
 * <p><b>How.</b> Each loop thread, before it runs its loop, reads its own attributes with {@code
 * sched_getattr}, changes only {@code sched_runtime} (policy and nice stay) and writes them back
 * with {@code sched_setattr}, through libc's {@code syscall} and the Foreign Function API. It
 * reads them back once more: a kernel older than 6.12 accepts the field and ignores it. Any
 * failure (another OS or architecture, a seccomp filter, a real-time policy set by the operator)
 * leaves the thread as it was; the outcome is logged once per process and shown by {@code INFO
 * server} ({@code io_thread_slice_us}).
 */
public final class EventLoopSlice {
  private static final Logger LOG = LoggerFactory.getLogger(EventLoopSlice.class);
  /** {@code sizeof(struct sched_attr)} in its first version, which has every field used here. */
  private static final int ATTR_SIZE = 56;
  private static final long POLICY_OFFSET = 4;
  private static final long RUNTIME_OFFSET = 24;
  /** SCHED_OTHER and SCHED_BATCH: the fair policies, the only ones a slice applies to. */
  private static final int SCHED_OTHER = 0;
  private static final int SCHED_BATCH = 3;
  /** The shortest and longest slice the kernel allows, in microseconds. */
  public static final int MIN_MICROS = 100;
  public static final int MAX_MICROS = 100_000;
  private static final AtomicBoolean LOGGED = new AtomicBoolean();

  private EventLoopSlice() {}

  /** What asking for a slice came to. */
  public enum Outcome {
    /** The thread runs with the slice asked for. */
    APPLIED,
    /** The kernel took the call but has no custom slices (older than Linux 6.12). */
    IGNORED_BY_KERNEL,
    /** The call is not available here or was refused; the thread is unchanged. */
    FAILED
  }

  /**
   * Returns {@code delegate}'s threads, each of which first asks for a slice of {@code micros}
   * and reports the slice it got (0 if none) to {@code applied}; {@code micros} 0 returns {@code
   * delegate} itself.
   */
  public static ThreadFactory threads(ThreadFactory delegate, int micros, IntConsumer applied) {
    if (micros == 0) {
      return delegate;
    }
    checkRange(micros);
    return r -> delegate.newThread(() -> {
      Outcome outcome = applyToCurrentThread(micros);
      applied.accept(outcome == Outcome.APPLIED ? micros : 0);
      r.run();
    });
  }

  /** Asks for a slice of {@code micros} for the calling thread; returns what came of it. */
  public static Outcome applyToCurrentThread(int micros) {
    checkRange(micros);
    Syscalls calls = Syscalls.INSTANCE;
    if (calls == null) {
      logOnce(Outcome.FAILED, micros, "not available on " + System.getProperty("os.name") + " "
          + System.getProperty("os.arch"));
      return Outcome.FAILED;
    }
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
      MemorySegment state = arena.allocate(Syscalls.STATE);
      long nanos = micros * 1_000L;
      if (calls.getattr(state, attr) != 0) {
        return failed(micros, "sched_getattr failed, errno " + calls.errno(state));
      }
      int policy = attr.get(ValueLayout.JAVA_INT, POLICY_OFFSET);
      if (policy != SCHED_OTHER && policy != SCHED_BATCH) {
        return failed(micros, "the thread's policy is " + policy + ", not a fair one");
      }
      attr.set(ValueLayout.JAVA_INT, 0, ATTR_SIZE);
      attr.set(ValueLayout.JAVA_LONG, RUNTIME_OFFSET, nanos);
      if (calls.setattr(state, attr) != 0) {
        return failed(micros, "sched_setattr refused, errno " + calls.errno(state));
      }
      if (calls.getattr(state, attr) != 0
          || attr.get(ValueLayout.JAVA_LONG, RUNTIME_OFFSET) != nanos) {
        logOnce(Outcome.IGNORED_BY_KERNEL, micros, "this kernel has no custom slices "
            + "(Linux 6.12 or newer has them)");
        return Outcome.IGNORED_BY_KERNEL;
      }
      logOnce(Outcome.APPLIED, micros, "");
      return Outcome.APPLIED;
    } catch (Throwable t) {
      return failed(micros, t.toString());
    }
  }

  private static void checkRange(int micros) {
    if (micros < MIN_MICROS || micros > MAX_MICROS) {
      throw new IllegalArgumentException("a scheduler slice is " + MIN_MICROS + " to "
          + MAX_MICROS + " microseconds, not " + micros);
    }
  }

  private static Outcome failed(int micros, String why) {
    logOnce(Outcome.FAILED, micros, why);
    return Outcome.FAILED;
  }

  private static void logOnce(Outcome outcome, int micros, String why) {
    if (!LOGGED.compareAndSet(false, true)) {
      return;
    }
    if (outcome == Outcome.APPLIED) {
      LOG.info("event loops run with a {} us scheduler slice (io-thread-slice-micros)", micros);
    } else {
      LOG.info("event loops keep the kernel's scheduler slice, not {} us: {} "
          + "(io-thread-slice-micros 0 stops asking)", micros, why);
    }
  }

  /**
   * libc's {@code syscall} bound for {@code sched_getattr} and {@code sched_setattr}: their
   * numbers on this architecture, a handle for each and the handle reading a call's errno.
   */
  private record Syscalls(long getNumber, long setNumber, MethodHandle get, MethodHandle set,
      VarHandle errnoHandle) {
    static final StructLayout STATE = Linker.Option.captureStateLayout();
    static final Syscalls INSTANCE = bind();

    /** Binds the calls, or returns null where this OS or architecture has no numbers here. */
    static Syscalls bind() {
      if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")) {
        return null;
      }
      long get;
      long set;
      switch (System.getProperty("os.arch", "")) {
        case "amd64", "x86_64" -> {
          set = 314;
          get = 315;
        }
        case "aarch64" -> {
          set = 274;
          get = 275;
        }
        default -> {
          return null;
        }
      }
      try {
        Linker linker = Linker.nativeLinker();
        MemorySegment syscall = linker.defaultLookup().find("syscall").orElse(null);
        if (syscall == null) {
          return null;
        }
        Linker.Option errnoOption = Linker.Option.captureCallState("errno");
        // long syscall(long number, ...): pid, attr, size, flags for sched_getattr;
        // pid, attr, flags for sched_setattr.
        MethodHandle getattr = linker.downcallHandle(syscall, FunctionDescriptor.of(
            ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT,
            ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
            Linker.Option.firstVariadicArg(1), errnoOption);
        MethodHandle setattr = linker.downcallHandle(syscall, FunctionDescriptor.of(
            ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT,
            ValueLayout.ADDRESS, ValueLayout.JAVA_INT),
            Linker.Option.firstVariadicArg(1), errnoOption);
        VarHandle errno = STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
        return new Syscalls(get, set, getattr, setattr, errno);
      } catch (RuntimeException | LinkageError e) {
        LOG.debug("cannot bind sched_getattr/sched_setattr", e);
        return null;
      }
    }

    /** {@code sched_getattr(0, attr, ATTR_SIZE, 0)}: the calling thread's attributes. */
    long getattr(MemorySegment state, MemorySegment attr) throws Throwable {
      return (long) get.invokeExact(state, getNumber, 0, attr, ATTR_SIZE, 0);
    }

    /** {@code sched_setattr(0, attr, 0)} on the calling thread. */
    long setattr(MemorySegment state, MemorySegment attr) throws Throwable {
      return (long) set.invokeExact(state, setNumber, 0, attr, 0);
    }

    /** The errno the last call through {@code state} left. */
    int errno(MemorySegment state) {
      return (int) errnoHandle.get(state, 0L);
    }
  }
}
