package io.tiercel.bench.sim;

/** A loaded trace and what is precomputed from it once for all policies and sizes. */
public final class TraceRun {
  private final Trace trace;
  private Clairvoyance clairvoyance;

  /** Wraps {@code trace}; nothing is precomputed until a policy asks. */
  public TraceRun(Trace trace) {
    this.trace = trace;
  }

  /** Returns the trace's name. */
  public String name() {
    return trace.name();
  }

  /** Returns the requests. */
  public long[] keys() {
    return trace.keys();
  }

  /** Returns the next-use table, computing it on first use. */
  synchronized Clairvoyance clairvoyance() {
    if (clairvoyance == null) {
      clairvoyance = Clairvoyance.of(trace.keys());
    }
    return clairvoyance;
  }
}
