package io.tiercel.bench.load;

import io.tiercel.bench.Args;
import io.tiercel.bench.UsageException;
import io.tiercel.core.ConfigValues;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The workload and load-shape flags shared by {@code bench load} and {@code bench compare}. */
final class LoadFlags {
  /** The flags that take a value, without dashes. */
  static final List<String> VALUED = List.of("clients", "pipeline", "rate", "threads", "ratio",
      "keys", "distribution", "value-size", "ttl", "warmup", "duration", "ops", "seed",
      "key-prefix", "drain", "label");

  /** The switches. */
  static final List<String> SWITCHES = List.of("fill");

  static final String USAGE =
      """
      load shape:
        --clients N          connections (default 1)
        --pipeline P         closed loop: requests each client keeps in flight (default 1);
                             open loop: the most each client may have in flight (default 64)
        --rate R             open loop at R requests/s over all clients, latency measured from
                             each request's intended send time; without it the loop is closed
        --threads T          worker threads the clients are spread over (default 1)
      workload (seeded: each client's request stream is the same on every run):
        --ratio G:S          GET:SET weights (default 9:1)
        --keys N             key count (default 100000); keys are <key-prefix><index>
        --distribution D     uniform | zipf:S (default zipf:0.99) | hotset:F:P (a fraction F
                             of the keys gets a fraction P of the requests)
        --value-size V       SET value bytes, N or MIN-MAX (default 100)
        --ttl T              TTL on every SET, e.g. 60s (default none)
        --fill               SET every key once before the warm-up, so GETs can hit
        --seed S             (default 1)    --key-prefix P   (default key:)
      timing:
        --warmup T           load before measuring, discarded (default 2s)
        --duration T         how long to measure (default 10s)
        --ops N              measure N requests instead of a duration
        --drain T            wait for replies in flight at the end (default 5s)
      """;

  private LoadFlags() {}

  /** Returns the valued flags plus {@code extra}. */
  static Set<String> valued(String... extra) {
    Set<String> names = new HashSet<>(VALUED);
    names.addAll(List.of(extra));
    return names;
  }

  /** Returns the switches plus {@code extra}. */
  static Set<String> switches(String... extra) {
    Set<String> names = new HashSet<>(SWITCHES);
    names.addAll(List.of(extra));
    return names;
  }

  /** Builds the settings of a run against {@code target} from the parsed flags. */
  static LoadSettings settings(Args args, Target target, String label) {
    int clients = args.positiveInt("clients", 1);
    double rate = positiveDouble(args, "rate");
    int pipeline = args.positiveInt("pipeline", rate > 0 ? 64 : 1);
    int threads = args.positiveInt("threads", 1);
    if (clients > 10_000) {
      throw new UsageException("--clients: " + clients + " (expected: <= 10000)");
    }
    if (pipeline > 4096) {
      throw new UsageException("--pipeline: " + pipeline + " (expected: <= 4096)");
    }
    int[] ratio = Workload.parseRatio(args.get("ratio", "9:1"));
    int keys = args.positiveInt("keys", 100_000);
    long seed = seed(args.get("seed", "1"));
    KeyDistribution distribution =
        KeyDistribution.parse(args.get("distribution", "zipf:0.99"), keys, seed);
    int[] sizes = Workload.parseValueSize(args.get("value-size", "100"));
    String prefix = args.get("key-prefix", "key:");
    if (prefix.chars().anyMatch(c -> c <= ' ' || c > '~') || prefix.length() > 200) {
      throw new UsageException("--key-prefix: printable ASCII without spaces, at most 200 chars");
    }
    long ttl = args.get("ttl") == null ? 0 : duration(args, "ttl", "0").toSeconds();
    Workload workload =
        new Workload(ratio[0], ratio[1], distribution, sizes[0], sizes[1], ttl, prefix, seed);
    long perConnection = (long) pipeline
        * WireProtocol.maxRequestBytes(prefix.length() + 10, sizes[1]);
    if (perConnection > 64L * 1024 * 1024) {
      throw new UsageException("--pipeline " + pipeline + " with values of " + sizes[1]
          + " bytes needs " + perConnection + " bytes of send buffer a client (expected: <= 64 MB)");
    }
    long ops = args.get("ops") == null ? 0 : args.positiveLong("ops", 1);
    Duration warmup = duration(args, "warmup", "2s");
    Duration duration = duration(args, "duration", "10s");
    if (ops == 0 && duration.isZero()) {
      throw new UsageException("--duration: 0 (expected: > 0, or --ops N)");
    }
    return new LoadSettings(target, workload, clients, pipeline, rate, threads, warmup, duration,
        ops, args.has("fill"), args.get("label", label), duration(args, "drain", "5s"));
  }

  private static Duration duration(Args args, String name, String fallback) {
    try {
      return ConfigValues.parseDuration("--" + name, args.get(name, fallback));
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  private static double positiveDouble(Args args, String name) {
    String text = args.get(name);
    if (text == null) {
      return 0;
    }
    try {
      double value = Double.parseDouble(text.trim().replace("_", ""));
      if (!(value > 0) || Double.isInfinite(value) || value > 1e9) {
        throw new UsageException("--" + name + ": " + text + " (expected: > 0 and <= 1e9)");
      }
      return value;
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + ": '" + text + "' (expected: a number)");
    }
  }

  private static long seed(String text) {
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      throw new UsageException("--seed: '" + text + "' (expected: an integer)");
    }
  }
}
