package io.tiercel.bench.load;

import java.time.Duration;

/**
 * One load run: the target, the workload, and how it is applied.
 *
 * @param target where the requests go
 * @param workload what is asked for
 * @param clients connections
 * @param pipeline closed loop: requests each client keeps in flight; open loop: the cap on them
 * @param rate open loop: requests per second over all clients; 0 for the closed loop
 * @param threads worker threads the clients are spread over
 * @param warmup load applied before measuring, then discarded
 * @param duration how long to measure (used when {@code ops} is 0)
 * @param ops requests to measure in total, or 0 to measure for {@code duration}
 * @param fill whether to SET every key once before the warm-up, so GETs can hit
 * @param label the name of the run in tables and reports
 * @param drain how long to wait for replies still in flight at the end
 */
public record LoadSettings(
    Target target,
    Workload workload,
    int clients,
    int pipeline,
    double rate,
    int threads,
    Duration warmup,
    Duration duration,
    long ops,
    boolean fill,
    String label,
    Duration drain) {

  /** Returns whether the load is open loop (a fixed rate). */
  public boolean openLoop() {
    return rate > 0;
  }

  /** Returns {@code closed} or {@code open}. */
  public String mode() {
    return openLoop() ? "open" : "closed";
  }

  /** Returns a copy aimed at {@code other} and labelled {@code newLabel}. */
  public LoadSettings withTarget(Target other, String newLabel) {
    return new LoadSettings(other, workload, clients, pipeline, rate, threads, warmup, duration,
        ops, fill, newLabel, drain);
  }
}
