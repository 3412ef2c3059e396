package io.tiercel.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tiercel.server.command.Command;
import io.tiercel.server.command.CommandObserver;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Counts commands by name and result and times them, cheaply enough for every command.
 *
 * <p>The hot path does no map lookup and allocates nothing: counters sit in an array indexed by
 * {@code command.ordinal() * 4 + result}, resolved from the registry on a command's first use
 * (so {@code /metrics} lists only commands that ran); a racing first use resolves the same
 * instance twice, which is harmless because the registry returns one meter per name and tags.
 * Latency goes to three timers (read, write and other commands) with fixed buckets from 10 us to
 * 1 s, not one histogram per command: a Prometheus histogram costs a series per bucket.
 */
public final class CommandMetrics implements CommandObserver {
  /** Commands whose null reply means a miss and whose value reply means a hit. */
  private static final Set<Command> READS =
      EnumSet.of(Command.GET, Command.GETDEL, Command.GETEX, Command.GETSET);
  private static final Command[] COMMANDS = Command.values();
  private static final String[] RESULTS = {"ok", "error", "hit", "miss"};
  private static final String[] KINDS = {"read", "write", "other"};
  /** The buckets of every latency histogram. */
  static final Duration[] BUCKETS = {
    Duration.ofNanos(10_000), Duration.ofNanos(25_000), Duration.ofNanos(50_000),
    Duration.ofNanos(100_000), Duration.ofNanos(250_000), Duration.ofNanos(500_000),
    Duration.ofMillis(1), Duration.ofNanos(2_500_000), Duration.ofMillis(5),
    Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofSeconds(1)};

  private final MeterRegistry registry;
  private final Counter[] counters = new Counter[(COMMANDS.length + 1) * RESULTS.length];
  private final boolean[] reportsHits = new boolean[COMMANDS.length + 1];
  private final Timer[] timerOf = new Timer[COMMANDS.length + 1];

  /** Registers the timers in {@code registry}; counters appear as commands run. */
  public CommandMetrics(MeterRegistry registry) {
    this.registry = registry;
    Timer[] timers = new Timer[KINDS.length];
    for (int i = 0; i < KINDS.length; i++) {
      timers[i] = Timer.builder("tiercel.command.duration")
          .description("Time to run a RESP command on its event loop, by kind")
          .tag("kind", KINDS[i])
          .serviceLevelObjectives(BUCKETS)
          .register(registry);
    }
    for (Command c : COMMANDS) {
      reportsHits[c.ordinal()] = READS.contains(c);
      timerOf[c.ordinal()] = timers[c.readOnly() ? 0 : c.writes() ? 1 : 2];
    }
    timerOf[COMMANDS.length] = timers[2];
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
    Counter c = counters[index];
    if (c == null) {
      c = resolve(row, r);
      counters[index] = c;
    }
    c.increment();
    timerOf[row].record(nanos, TimeUnit.NANOSECONDS);
  }

  private Counter resolve(int row, int result) {
    String name = row == COMMANDS.length ? "unknown" : COMMANDS[row].lowerName();
    return Counter.builder("tiercel.commands")
        .description("Commands run, by command and result (ok, error, hit, miss)")
        .tag("command", name)
        .tag("result", RESULTS[result])
        .register(registry);
  }
}
