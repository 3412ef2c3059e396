package io.tiercel.bench.load;

import io.tiercel.bench.Args;
import io.tiercel.bench.UsageException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code bench compare}: the same workload against two targets in interleaved rounds (A B A B
 * ...), so drift on a shared machine (other load, thermal state, a garbage collection) falls on
 * both sides alike; prints the median of each metric over the rounds and the ratio B / A.
 */
public final class CompareCommand {
  /** The usage of {@code bench compare}. */
  public static final String USAGE =
      """
      compare --a T --b T [--rounds N] [load flags]
        runs the same load against A and B, interleaved A B A B for N rounds (default 3), and
        prints per metric (ops/s, p50 ... max) the median of each side and the ratio B/A.
        --label-a / --label-b name the sides; --json-dir DIR writes every round's result there
        (a-1.json, b-1.json, ...) for bench report. Exit 1 if any request failed.
      """;

  private CompareCommand() {}

  /** Runs {@code bench compare}; returns 0, 1 on a failed request or target, 2 on usage. */
  public static int run(String[] argv, PrintStream out, PrintStream err)
      throws InterruptedException {
    Args args = Args.parse(argv,
        LoadFlags.valued("a", "b", "rounds", "label-a", "label-b", "json-dir"),
        LoadFlags.switches());
    if (args.get("a") == null || args.get("b") == null) {
      throw new UsageException("compare: --a and --b are required");
    }
    if (args.get("label") != null) {
      throw new UsageException("compare: use --label-a and --label-b");
    }
    Target a = Target.parse(args.get("a"));
    Target b = Target.parse(args.get("b"));
    int rounds = args.positiveInt("rounds", 3);
    LoadSettings base = LoadFlags.settings(args, a, "A");
    LoadSettings[] sides = {
      base.withTarget(a, args.get("label-a", "A " + a.uri())),
      base.withTarget(b, args.get("label-b", "B " + b.uri()))
    };
    Path jsonDir = args.get("json-dir") == null ? null : Path.of(args.get("json-dir"));
    List<List<LoadResult>> results = List.of(new ArrayList<>(), new ArrayList<>());
    Progress progress = Progress.forConsole(out);
    try {
      for (int round = 1; round <= rounds; round++) {
        for (int side = 0; side < 2; side++) {
          LoadResult r = LoadRun.run(sides[side], progress);
          results.get(side).add(r);
          out.printf(Locale.ROOT, "round %d %-24s %,12.0f ops/s  p50 %8.1f us  p99 %8.1f us"
              + "  errors %d%n", round, sides[side].label(), r.throughput(), r.metric("p50"),
              r.metric("p99"), r.errors());
          if (jsonDir != null) {
            LoadCommand.writeJson(
                jsonDir.resolve((side == 0 ? "a-" : "b-") + round + ".json"), r);
          }
        }
      }
    } catch (IOException e) {
      err.println("tiercel bench compare: " + e.getMessage());
      return 1;
    }
    out.println();
    out.print(table(sides[0].label(), sides[1].label(), results.get(0), results.get(1)));
    long errors = 0;
    for (List<LoadResult> side : results) {
      for (LoadResult r : side) {
        errors += r.errors();
      }
    }
    return errors == 0 ? 0 : 1;
  }

  /** Returns the table of medians and ratios over the rounds of both sides. */
  static String table(String labelA, String labelB, List<LoadResult> a, List<LoadResult> b) {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "medians over %d rounds%n", a.size()));
    out.append(String.format(Locale.ROOT, "%-10s %18s %18s %8s%n", "metric", "A", "B", "B/A"));
    for (String metric : LoadResult.metricNames()) {
      double ma = Medians.median(a.stream().map(r -> r.metric(metric)).toList());
      double mb = Medians.median(b.stream().map(r -> r.metric(metric)).toList());
      String name = metric.equals("ops/s") ? metric : metric + " us";
      out.append(String.format(Locale.ROOT, "%-10s %18.1f %18.1f %8.3f%n", name, ma, mb,
          Medians.ratio(ma, mb)));
    }
    long errorsA = a.stream().mapToLong(LoadResult::errors).sum();
    long errorsB = b.stream().mapToLong(LoadResult::errors).sum();
    out.append(String.format(Locale.ROOT, "%-10s %18d %18d%n", "errors", errorsA, errorsB));
    out.append(String.format(Locale.ROOT, "A = %s%nB = %s%n", labelA, labelB));
    return out.toString();
  }
}
