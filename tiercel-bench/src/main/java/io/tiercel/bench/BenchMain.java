package io.tiercel.bench;

import io.tiercel.bench.jmh.JmhCommand;
import io.tiercel.bench.load.CompareCommand;
import io.tiercel.bench.load.LoadCommand;
import io.tiercel.bench.load.ReportCommand;
import io.tiercel.bench.memory.MemoryCommand;
import io.tiercel.bench.sim.HitRatioCommand;
import java.io.PrintStream;
import java.util.Arrays;

/**
 * Runs a benchmark by name; the launcher's {@code bin/tiercel bench <sub> ...} calls {@link #main}.
 *
 * <p>Subcommands: {@code hitratio} (trace-driven hit ratio of every policy against Caffeine and
 * Bélády's optimum), {@code jmh} (get/put throughput next to Caffeine) and {@code memory} (bytes
 * per entry beyond the key and value), {@code load} (closed- or open-loop load against a Tiercel,
 * Redis or memcached server), {@code report} (an HTML page of load results) and {@code compare}
 * (two targets in interleaved rounds). A bad command line prints the usage and exits with 2.
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
        load      closed- or open-loop GET/SET load on a Tiercel, Redis or memcached server
      %s
        report    one HTML page of charts over load results
      %s
        compare   the same load on two targets, interleaved rounds, medians and ratios
      %s
        store     write-through vs write-behind against MariaDB; read-through loads per miss
      %s"""
          .formatted(
              indent(HitRatioCommand.USAGE), indent(JmhCommand.USAGE), indent(MemoryCommand.USAGE),
              indent(LoadCommand.USAGE), indent(ReportCommand.USAGE),
              indent(CompareCommand.USAGE), indent(io.tiercel.bench.store.StoreCommand.USAGE));

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
        case "load" -> LoadCommand.run(rest, out, err);
        case "report" -> ReportCommand.run(rest, out, err);
        case "compare" -> CompareCommand.run(rest, out, err);
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
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("tiercel bench: interrupted");
      return 1;
    }
  }

  private static String indent(String text) {
    return text.strip().indent(4).stripTrailing();
  }
}
