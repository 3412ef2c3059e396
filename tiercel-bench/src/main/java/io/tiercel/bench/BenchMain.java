package io.tiercel.bench;

import io.tiercel.bench.jmh.JmhCommand;
import io.tiercel.bench.memory.MemoryCommand;
import io.tiercel.bench.sim.HitRatioCommand;
import java.io.PrintStream;
import java.util.Arrays;

/**
 * Runs a benchmark by name; the launcher's {@code bin/tiercel bench <sub> ...} calls {@link #main}.
 *
 * <p>Subcommands: {@code hitratio} (trace-driven hit ratio of every policy against Caffeine and
 * Bélády's optimum), {@code jmh} (get/put throughput next to Caffeine) and {@code memory} (bytes
 * per entry beyond the key and value). A bad command line prints the usage and exits with 2.
 */
public final class BenchMain {
  static final String USAGE =
      """
      usage: tiercel bench <command> [flags]

      commands:
        hitratio  replay key traces through each policy; print trace, size, policy, hit ratio
      %s
        jmh       get/put throughput of Tiercel next to Caffeine (JMH)
      %s
        memory    bytes per entry beyond the key and value bytes
      %s
        store     write-through vs write-behind against MariaDB; read-through loads per miss
      %s"""
          .formatted(
              indent(HitRatioCommand.USAGE), indent(JmhCommand.USAGE), indent(MemoryCommand.USAGE),
              indent(io.tiercel.bench.store.StoreCommand.USAGE));

  private BenchMain() {}

  /** Runs the subcommand named by {@code args[0]} and exits with its status. */
  public static void main(String[] args) {
    int status = run(args, System.out, System.err);
    if (status != 0) {
      System.exit(status);
    }
  }

  /** Runs the subcommand named by {@code args[0]}; returns the exit status (2 for bad usage). */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0) {
      err.println(USAGE);
      return 2;
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    try {
      return switch (args[0]) {
        case "hitratio" -> HitRatioCommand.run(rest, out, err);
        case "jmh" -> JmhCommand.run(rest, out, err);
        case "memory" -> MemoryCommand.run(rest, out, err);
        case "store" -> io.tiercel.bench.store.StoreCommand.run(rest, out, err);
        case "help", "-h", "--help" -> {
          out.println(USAGE);
          yield 0;
        }
        default -> throw new UsageException("unknown command: '" + args[0] + "'");
      };
    } catch (UsageException e) {
      err.println("tiercel bench: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }
  }

  private static String indent(String text) {
    return text.strip().indent(4).stripTrailing();
  }
}
