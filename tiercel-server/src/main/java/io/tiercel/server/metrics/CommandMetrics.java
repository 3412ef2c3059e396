package io.tiercel.server.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.FastThreadLocalThread;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.tiercel.server.command.Command;
import io.tiercel.server.command.CommandObserver;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Counts commands by name and result and times them, cheaply enough for every command.
 *
 * <p>Design: each event loop records into a {@link CommandRecorder} of its own (found through a
 * {@link FastThreadLocal}, an array index on Netty's threads), so the hot path is a few plain
 * increments with no shared cache line, no adder and no allocation; other threads share one
 * recorder under a lock. Nothing is aggregated until a scrape reads it: the counters
 * {@code tiercel_commands_total{command,result}} are Micrometer function counters summing the
 * recorders, registered on a command's first use (so {@code /metrics} lists only commands that
 * ran), and the latency histogram {@code tiercel_command_duration_seconds{kind}} (read, write
 * and other commands, fixed buckets from 10 us to 1 s, not one histogram per command: a
 * Prometheus histogram costs a series per bucket) with its {@code _max} gauge is a collector of
 * the Prometheus registry that sums the recorders' buckets. The {@code _max} gauge is the
 * largest latency since the previous scrape (each scrape starts a new window; 0 when idle).
 */
public final class CommandMetrics implements CommandObserver {
  /** Commands whose null reply means a miss and whose value reply means a hit. */
  private static final Set<Command> READS =
      EnumSet.of(Command.GET, Command.GETDEL, Command.GETEX, Command.GETSET);
  private static final Command[] COMMANDS = Command.values();
  private static final String[] RESULTS = {"ok", "error", "hit", "miss"};
  private static final String[] KINDS = {"read", "write", "other"};
  private static final String DURATION = "tiercel_command_duration_seconds";
  private static final String DURATION_HELP =
      "Time to run a RESP command on its event loop, by kind";
  /** The buckets of every latency histogram. */
  static final Duration[] BUCKETS = {
    Duration.ofNanos(10_000), Duration.ofNanos(25_000), Duration.ofNanos(50_000),
    Duration.ofNanos(100_000), Duration.ofNanos(250_000), Duration.ofNanos(500_000),
    Duration.ofMillis(1), Duration.ofNanos(2_500_000), Duration.ofMillis(5),
    Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofSeconds(1)};
  private static final long[] BOUNDS_NANOS = new long[BUCKETS.length];
  private static final double[] BOUNDS_SECONDS = new double[BUCKETS.length + 1];

  static {
    for (int i = 0; i < BUCKETS.length; i++) {
      BOUNDS_NANOS[i] = BUCKETS[i].toNanos();
      BOUNDS_SECONDS[i] = BUCKETS[i].toNanos() / 1e9;
    }
    BOUNDS_SECONDS[BUCKETS.length] = Double.POSITIVE_INFINITY;
  }

  private static final int COUNTERS = (COMMANDS.length + 1) * RESULTS.length;

  private final PrometheusMeterRegistry registry;
  private final boolean[] reportsHits = new boolean[COMMANDS.length + 1];
  private final int[] kindOf = new int[COMMANDS.length + 1];
  /** Whether counter i is registered; read racily, set under this object's lock. */
  private final boolean[] registered = new boolean[COUNTERS];
  private final CopyOnWriteArrayList<CommandRecorder> recorders = new CopyOnWriteArrayList<>();
  private final CommandRecorder shared = newRecorder();
  private final FastThreadLocal<CommandRecorder> local = new FastThreadLocal<>() {
    @Override
    protected CommandRecorder initialValue() {
      return newRecorder();
    }
  };
  /** The window of {@code _max}; each scrape starts the next one. */
  private volatile long maxWindow;

  /** Registers the histogram in {@code registry}; counters appear as commands run. */
  public CommandMetrics(PrometheusMeterRegistry registry) {
    this.registry = registry;
    for (Command c : COMMANDS) {
      reportsHits[c.ordinal()] = READS.contains(c);
      kindOf[c.ordinal()] = c.readOnly() ? 0 : c.writes() ? 1 : 2;
    }
    kindOf[COMMANDS.length] = 2;
    registry.getPrometheusRegistry().register(new Latency());
  }

  private CommandRecorder newRecorder() {
    CommandRecorder r = new CommandRecorder(COUNTERS, KINDS.length, BOUNDS_NANOS);
    recorders.add(r);
    return r;
  }

  @Override
  public void completed(Command command, int result, long nanos) {
    int row = command == null ? COMMANDS.length : command.ordinal();
    int r = result;
    if (reportsHits[row]) {
      if (r == OK) {
        r = HIT;
      }
    } else if (r == MISS) {
      r = OK;
    }
    int index = row * RESULTS.length + r;
    boolean first;
    if (Thread.currentThread() instanceof FastThreadLocalThread) {
      first = local.get().record(index, kindOf[row], nanos, maxWindow);
    } else {
      synchronized (shared) {
        first = shared.record(index, kindOf[row], nanos, maxWindow);
      }
    }
    if (first && !registered[index]) {
      register(row, r, index);
    }
  }

  private synchronized void register(int row, int result, int index) {
    if (registered[index]) {
      return;
    }
    String name = row == COMMANDS.length ? "unknown" : COMMANDS[row].lowerName();
    FunctionCounter.builder("tiercel.commands", this, m -> m.total(index))
        .description("Commands run, by command and result (ok, error, hit, miss)")
        .tag("command", name)
        .tag("result", RESULTS[result])
        .register(registry);
    registered[index] = true;
  }

  /** Returns counter {@code index} summed over every recorder. */
  private double total(int index) {
    long sum = 0;
    for (CommandRecorder r : recorders) {
      sum += r.count(index);
    }
    return sum;
  }

  /** Renders the latency histogram and its max gauge from the recorders at scrape time. */
  private final class Latency implements MultiCollector {
    @Override
    public MetricSnapshots collect() {
      long window = maxWindow;
      maxWindow = window + 1;
      HistogramSnapshot.Builder histogram =
          HistogramSnapshot.builder().name(DURATION).help(DURATION_HELP);
      GaugeSnapshot.Builder max = GaugeSnapshot.builder().name(DURATION + "_max")
          .help(DURATION_HELP);
      for (int kind = 0; kind < KINDS.length; kind++) {
        long[] buckets = new long[BOUNDS_SECONDS.length];
        long sumNanos = 0;
        long maxNanos = 0;
        for (CommandRecorder r : recorders) {
          r.addBuckets(kind, buckets);
          sumNanos += r.sumNanos(kind);
          maxNanos = Math.max(maxNanos, r.maxNanos(kind, window));
        }
        Labels labels = Labels.of("kind", KINDS[kind]);
        histogram.dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder()
            .classicHistogramBuckets(ClassicHistogramBuckets.of(BOUNDS_SECONDS, buckets))
            .sum(sumNanos / 1e9)
            .labels(labels)
            .build());
        max.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
            .value(maxNanos / 1e9)
            .labels(labels)
            .build());
      }
      return MetricSnapshots.of(histogram.build(), max.build());
    }
  }
}
