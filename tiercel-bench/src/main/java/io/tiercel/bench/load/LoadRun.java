package io.tiercel.bench.load;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Runs one load: connects the clients, optionally fills the keys, warms up, measures, drains, and
 * returns the {@link LoadResult}.
 *
 * <p>The workers never pause between phases. Once a second this thread takes each worker's
 * interval histograms and outcome counts; what it takes during the warm-up is dropped, what it
 * takes afterwards is the measurement. At the end the workers stop sending and drain what is in
 * flight, and those replies count too (they were sent during the measurement).
 */
public final class LoadRun {
  private static final long TICK_NANOS = 1_000_000_000L;

  private LoadRun() {}

  /** Runs {@code settings}, showing {@code progress}; a target that cannot be reached throws. */
  public static LoadResult run(LoadSettings settings, Progress progress)
      throws IOException, InterruptedException {
    Workload workload = settings.workload();
    Values values = new Values(workload.keyPrefix(), workload.valueMax());
    if (settings.fill()) {
      Filler.fill(settings.target(), workload, values);
    }
    int threads = Math.min(settings.threads(), settings.clients());
    List<List<Connection>> perWorker = new ArrayList<>();
    List<WorkerStats> stats = new ArrayList<>();
    List<LoadWorker> workers = new ArrayList<>();
    WireProtocol protocol = WireProtocol.of(settings.target(), values);
    int cap = settings.pipeline();
    try {
      for (int w = 0; w < threads; w++) {
        perWorker.add(new ArrayList<>());
        stats.add(new WorkerStats());
      }
      for (int client = 0; client < settings.clients(); client++) {
        int w = client % threads;
        SocketChannel channel = connect(settings.target());
        perWorker.get(w).add(new Connection(channel, workload, values, protocol, client, cap,
            stats.get(w)));
      }
      for (int w = 0; w < threads; w++) {
        double rate = settings.rate() * perWorker.get(w).size() / settings.clients();
        workers.add(new LoadWorker(perWorker.get(w), stats.get(w), settings.pipeline(), rate,
            settings.drain().toNanos()));
      }
    } catch (IOException | RuntimeException e) {
      for (List<Connection> list : perWorker) {
        for (Connection c : list) {
          c.fail(Outcome.CONNECTION_ERROR, "setup failed");
        }
      }
      throw e;
    }
    Instant started = Instant.now();
    boolean warm = !settings.warmup().isZero();
    if (!warm) {
      limitOps(settings, workers); // no warm-up: every request sent is measured, exactly --ops
    }
    long firstSend = System.nanoTime();
    for (int w = 0; w < threads; w++) {
      workers.get(w).start("load-" + w);
    }
    Sampler sampler = new Sampler(stats);
    try {
      long warmupEnd = System.nanoTime() + settings.warmup().toNanos();
      double warmupSeconds = settings.warmup().toNanos() / 1e9;
      long warmupStart = System.nanoTime();
      while (System.nanoTime() < warmupEnd && !allQuiet(workers)) {
        sleepUntil(Math.min(warmupEnd, System.nanoTime() + TICK_NANOS));
        Histogram interval = sampler.sample(false);
        progress.update("warm-up", (System.nanoTime() - warmupStart) / 1e9, warmupSeconds,
            interval.getTotalCount() / 1.0, LoadResult.micros(interval.getValueAtPercentile(99)),
            sampler.errorsSinceBaseline());
      }
      long measureStart = firstSend;
      if (warm) {
        sampler.sample(false);
        sampler.baseline();
        measureStart = System.nanoTime();
        limitOps(settings, workers);
      }
      long measureEnd = settings.ops() > 0 ? Long.MAX_VALUE
          : measureStart + settings.duration().toNanos();
      double total = settings.ops() > 0 ? 0 : settings.duration().toNanos() / 1e9;
      long lastTick = measureStart;
      List<LoadResult.TimelinePoint> timeline = new ArrayList<>();
      while (System.nanoTime() < measureEnd && !allQuiet(workers)) {
        long tick = Math.min(measureEnd, lastTick + TICK_NANOS);
        if (settings.ops() > 0) {
          sleepUntil(Math.min(tick, System.nanoTime() + 20_000_000L));
          if (System.nanoTime() < tick && !allQuiet(workers)) {
            continue;
          }
        } else {
          sleepUntil(tick);
        }
        long now = System.nanoTime();
        Histogram interval = sampler.sample(true);
        double span = (now - lastTick) / 1e9;
        double elapsed = (now - measureStart) / 1e9;
        double opsPerSecond = interval.getTotalCount() / span;
        double p99 = LoadResult.micros(interval.getValueAtPercentile(99));
        timeline.add(new LoadResult.TimelinePoint(round(elapsed), round(opsPerSecond), p99));
        progress.update("measure", elapsed, total, opsPerSecond, p99,
            sampler.errorsSinceBaseline());
        lastTick = now;
      }
      long stopped = System.nanoTime();
      for (LoadWorker w : workers) {
        w.stopIssuing();
      }
      for (LoadWorker w : workers) {
        w.join();
      }
      sampler.sample(true);
      progress.done();
      long end = stopped;
      if (settings.ops() > 0) {
        end = measureStart;
        for (LoadWorker w : workers) {
          end = Math.max(end, w.lastReplyNanos());
        }
      }
      double seconds = Math.max(1e-9, (end - measureStart) / 1e9);
      return new LoadResult(describe(settings, started), sampler.totals, sampler.errors(),
          sampler.messages(), seconds, timeline);
    } finally {
      for (LoadWorker w : workers) {
        w.stopIssuing();
      }
    }
  }

  /** With --ops, lets the workers send their share of it from now on. */
  private static void limitOps(LoadSettings settings, List<LoadWorker> workers) {
    if (settings.ops() > 0) {
      int n = workers.size();
      for (int w = 0; w < n; w++) {
        workers.get(w).limitIssues(settings.ops() / n + (w < settings.ops() % n ? 1 : 0));
      }
    }
  }

  private static SocketChannel connect(Target target) throws IOException {
    try {
      return target.connect();
    } catch (IOException e) {
      throw new IOException("cannot connect to " + target + ": " + e.getMessage(), e);
    }
  }

  private static boolean allQuiet(List<LoadWorker> workers) {
    for (LoadWorker w : workers) {
      if (!w.quiescent()) {
        return false;
      }
    }
    return true;
  }

  private static void sleepUntil(long deadline) throws InterruptedException {
    long wait = deadline - System.nanoTime();
    if (wait > 0) {
      Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
    }
  }

  private static double round(double value) {
    return Math.round(value * 1000.0) / 1000.0;
  }

  private static Map<String, Object> describe(LoadSettings s, Instant started) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("label", s.label());
    m.put("target", s.target().uri());
    m.put("protocol", s.target().protocol().name().toLowerCase(java.util.Locale.ROOT));
    m.put("mode", s.mode());
    m.put("clients", s.clients());
    m.put("pipeline", s.pipeline());
    m.put("rate", s.rate());
    m.put("threads", Math.min(s.threads(), s.clients()));
    Workload w = s.workload();
    m.put("ratio", w.ratio());
    m.put("keys", w.keys().keys());
    m.put("distribution", w.keys().spec());
    m.put("value_size", w.valueSize());
    m.put("ttl_s", w.ttlSeconds());
    m.put("seed", w.seed());
    m.put("fill", s.fill());
    m.put("warmup_s", s.warmup().toMillis() / 1000.0);
    m.put("duration_s", s.ops() > 0 ? null : s.duration().toMillis() / 1000.0);
    m.put("ops", s.ops() > 0 ? s.ops() : null);
    m.put("started", started.toString());
    m.put("java", Runtime.version().toString());
    m.put("cpus", Runtime.getRuntime().availableProcessors());
    return m;
  }

  /** Collects the workers' histograms and counts; keeps what comes after the baseline. */
  private static final class Sampler {
    private final List<WorkerStats> stats;
    final Map<Outcome, Histogram> totals = new EnumMap<>(Outcome.class);
    private final Histogram interval = new Histogram(3);
    private final Histogram scratch = new Histogram(3);
    private long[] baseline = new long[Outcome.values().length];

    Sampler(List<WorkerStats> stats) {
      this.stats = stats;
      for (Outcome o : Outcome.SUCCESSES) {
        totals.put(o, new Histogram(3));
      }
    }

    /** Returns the latencies since the last sample; adds them to the totals if {@code keep}. */
    Histogram sample(boolean keep) {
      interval.reset();
      for (Outcome o : Outcome.SUCCESSES) {
        scratch.reset();
        for (WorkerStats s : stats) {
          s.drainLatency(o, scratch);
        }
        interval.add(scratch);
        if (keep) {
          totals.get(o).add(scratch);
        }
      }
      return interval;
    }

    void baseline() {
      baseline = sum();
    }

    long errorsSinceBaseline() {
      long[] now = sum();
      long errors = 0;
      for (Outcome o : Outcome.values()) {
        if (o.isError()) {
          errors += now[o.ordinal()] - baseline[o.ordinal()];
        }
      }
      return errors;
    }

    Map<Outcome, Long> errors() {
      long[] now = sum();
      Map<Outcome, Long> counts = new EnumMap<>(Outcome.class);
      for (Outcome o : Outcome.values()) {
        if (o.isError()) {
          counts.put(o, now[o.ordinal()] - baseline[o.ordinal()]);
        }
      }
      return counts;
    }

    Map<Outcome, String> messages() {
      Map<Outcome, String> messages = new EnumMap<>(Outcome.class);
      for (Outcome o : Outcome.values()) {
        for (WorkerStats s : stats) {
          String m = s.firstMessage(o);
          if (m != null && o.isError()) {
            messages.putIfAbsent(o, m);
          }
        }
      }
      return messages;
    }

    private long[] sum() {
      long[] total = new long[Outcome.values().length];
      for (WorkerStats s : stats) {
        long[] counts = s.errors();
        for (int i = 0; i < total.length; i++) {
          total[i] += counts[i];
        }
      }
      return total;
    }
  }
}
