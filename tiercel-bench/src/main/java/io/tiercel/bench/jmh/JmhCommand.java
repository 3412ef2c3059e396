package io.tiercel.bench.jmh;

import io.tiercel.bench.UsageException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * {@code bench jmh [jmh args]}: runs the JMH benchmarks in this jar as {@code org.openjdk.jmh.Main}
 * would, with short defaults for what the arguments leave unset, and once per thread count.
 *
 * <p>The arguments are JMH's own ({@code -h} lists them). Unset, these apply: benchmarks
 * {@code GetPutBenchmark}, {@code -f 1 -wi 2 -i 3 -w 2s -r 2s}. Without {@code -t} the run is
 * repeated at 1 and 2 threads and the results are printed together, Tiercel next to Caffeine.
 * Forks use the current JVM, its flags and its class path.
 */
public final class JmhCommand {
  /** The flags, as printed by {@code tiercel bench} on a usage error. */
  public static final String USAGE =
      """
      [jmh args]              JMH's own command line (-h for its help); unset options default
                              to: GetPutBenchmark -f 1 -wi 2 -i 3 -w 2s -r 2s, and without -t
                              the run is repeated at 1 and 2 threads""";

  /** Thread counts run when {@code -t} is not given. */
  static final int[] DEFAULT_THREADS = {1, 2};

  private JmhCommand() {}

  /** Runs JMH; returns 0, 1 if a benchmark failed, 2 on a bad command line. */
  public static int run(String[] argv, PrintStream out, PrintStream err) {
    CommandLineOptions cmd;
    try {
      cmd = new CommandLineOptions(argv);
    } catch (CommandLineOptionException e) {
      throw new UsageException("jmh: " + e.getMessage());
    }
    try {
      if (cmd.shouldHelp()) {
        cmd.showHelp();
        return 0;
      }
      if (cmd.shouldList()) {
        new Runner(cmd).list();
        return 0;
      }
      if (cmd.shouldListProfilers() || cmd.shouldListResultFormats()
          || cmd.shouldListWithParams()) {
        org.openjdk.jmh.Main.main(argv); // JMH prints these itself
        return 0;
      }
    } catch (Exception e) {
      err.println("tiercel bench jmh: " + e);
      return 1;
    }
    int[] threads = cmd.getThreads().hasValue()
        ? new int[] {cmd.getThreads().get()}
        : DEFAULT_THREADS;
    List<RunResult> results = new ArrayList<>();
    for (int t : threads) {
      ChainedOptionsBuilder options = new OptionsBuilder().parent(cmd).threads(t);
      if (cmd.getIncludes().isEmpty()) {
        options.include(GetPutBenchmark.class.getSimpleName());
      }
      if (!cmd.getForkCount().hasValue()) {
        options.forks(1);
      }
      if (!cmd.getWarmupIterations().hasValue()) {
        options.warmupIterations(2);
      }
      if (!cmd.getMeasurementIterations().hasValue()) {
        options.measurementIterations(3);
      }
      if (!cmd.getWarmupTime().hasValue()) {
        options.warmupTime(TimeValue.seconds(2));
      }
      if (!cmd.getMeasurementTime().hasValue()) {
        options.measurementTime(TimeValue.seconds(2));
      }
      if (cmd.getResult().hasValue() && threads.length > 1) {
        options.result(perThreadFile(cmd.getResult().get(), t));
      }
      try {
        Collection<RunResult> run = new Runner(options.build()).run();
        results.addAll(run);
      } catch (RunnerException e) {
        err.println("tiercel bench jmh: " + e.getMessage());
        return 1;
      }
    }
    printSummary(results, out);
    return 0;
  }

  /** Returns {@code file} with {@code -t<threads>} before its extension. */
  static String perThreadFile(String file, int threads) {
    int dot = file.lastIndexOf('.');
    int slash = file.lastIndexOf('/');
    return dot > slash + 1
        ? file.substring(0, dot) + "-t" + threads + file.substring(dot)
        : file + "-t" + threads;
  }

  /** One score of a run, with the parameters the summary groups by. */
  record Row(String method, String impl, String policy, String fill, int threads, double score,
      double error, String unit) {
    static Row of(RunResult r) {
      String name = r.getParams().getBenchmark();
      int dot = name.lastIndexOf('.');
      int classDot = name.lastIndexOf('.', dot - 1);
      return new Row(name.substring(classDot + 1), r.getParams().getParam("impl"),
          r.getParams().getParam("policy"), r.getParams().getParam("fill"),
          r.getParams().getThreads(), r.getPrimaryResult().getScore(),
          r.getPrimaryResult().getScoreError(), r.getPrimaryResult().getScoreUnit());
    }

    /** Returns what a score is compared within: the same method, threads and fill. */
    String cell() {
      return method + "/" + threads + "/" + fill;
    }

    boolean isCaffeine() {
      return impl != null && impl.startsWith("caffeine");
    }
  }

  /** The Caffeine configurations every score is divided by, in the summary's column order. */
  static final List<String> BASELINES = List.of("caffeine", "caffeine_inline", "caffeine_bytes");

  private static void printSummary(List<RunResult> results, PrintStream out) {
    printRows(results.stream().map(Row::of).toList(), out);
  }

  /**
   * Prints every row with its ratios to each Caffeine configuration's score in the same cell
   * (method, thread count and fill): {@code /caffeine} against Caffeine looked up with its stored
   * key objects and draining on the common pool (its default), {@code /inline} against Caffeine
   * draining on the calling thread, {@code /bytes} against Caffeine given fresh key bytes.
   */
  static void printRows(List<Row> rows, PrintStream out) {
    List<Map<String, Double>> baselines = new ArrayList<>();
    for (String impl : BASELINES) {
      Map<String, Double> scores = new HashMap<>();
      for (Row r : rows) {
        if (impl.equals(r.impl())) {
          scores.put(r.cell(), r.score());
        }
      }
      baselines.add(scores);
    }
    out.println();
    out.println("Tiercel next to Caffeine (each ratio = score / that Caffeine's score, same method,"
        + " threads and fill; caffeine drains on the common pool, caffeine_inline on the reader,"
        + " caffeine_bytes gets fresh key bytes)");
    out.printf(Locale.ROOT, "%-22s %-15s %-8s %-7s %7s %14s %12s %-8s %9s %8s %7s%n",
        "benchmark", "impl", "policy", "fill", "threads", "score", "error", "unit",
        "/caffeine", "/inline", "/bytes");
    for (Row r : rows) {
      out.printf(Locale.ROOT, "%-22s %-15s %-8s %-7s %7d %14.0f %12.0f %-8s %9s %8s %7s%n",
          r.method(), r.impl() == null ? "-" : r.impl(),
          r.policy() == null || r.isCaffeine() ? "-" : r.policy(),
          r.fill() == null ? "-" : r.fill(), r.threads(), r.score(), r.error(), r.unit(),
          ratio(r.score(), baselines.get(0).get(r.cell())),
          ratio(r.score(), baselines.get(1).get(r.cell())),
          ratio(r.score(), baselines.get(2).get(r.cell())));
    }
  }

  private static String ratio(double score, Double base) {
    return base == null ? "-" : String.format(Locale.ROOT, "%.2f", score / base);
  }
}
