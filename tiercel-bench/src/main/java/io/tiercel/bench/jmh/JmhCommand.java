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

  /**
   * Prints every result with its ratios to Caffeine's at the same benchmark and thread count:
   * {@code ratio} against Caffeine looked up with its stored key objects, {@code ratio_bytes}
   * against Caffeine given fresh key bytes per operation.
   */
  static void printSummary(List<RunResult> results, PrintStream out) {
    Map<String, Double> caffeine = scores(results, "caffeine");
    Map<String, Double> caffeineBytes = scores(results, "caffeine_bytes");
    out.println();
    out.println("Tiercel next to Caffeine (ratio = score / Caffeine's score, same method and"
        + " threads; ratio_bytes: against caffeine_bytes)");
    out.printf(Locale.ROOT, "%-26s %-14s %-8s %7s %16s %14s %-8s %8s %11s%n",
        "benchmark", "impl", "policy", "threads", "score", "error", "unit", "ratio",
        "ratio_bytes");
    for (RunResult r : results) {
      String impl = r.getParams().getParam("impl");
      String policy = r.getParams().getParam("policy");
      String key = method(r) + "/" + r.getParams().getThreads();
      double score = r.getPrimaryResult().getScore();
      out.printf(Locale.ROOT, "%-26s %-14s %-8s %7d %16.0f %14.0f %-8s %8s %11s%n",
          method(r), impl == null ? "-" : impl,
          policy == null || impl.startsWith("caffeine") ? "-" : policy,
          r.getParams().getThreads(), score, r.getPrimaryResult().getScoreError(),
          r.getPrimaryResult().getScoreUnit(), ratio(score, caffeine.get(key)),
          ratio(score, caffeineBytes.get(key)));
    }
  }

  private static Map<String, Double> scores(List<RunResult> results, String impl) {
    Map<String, Double> scores = new HashMap<>();
    for (RunResult r : results) {
      if (impl.equals(r.getParams().getParam("impl"))) {
        scores.put(method(r) + "/" + r.getParams().getThreads(), r.getPrimaryResult().getScore());
      }
    }
    return scores;
  }

  private static String ratio(double score, Double base) {
    return base == null ? "-" : String.format(Locale.ROOT, "%.2f", score / base);
  }

  private static String method(RunResult r) {
    String name = r.getParams().getBenchmark();
    int dot = name.lastIndexOf('.');
    int classDot = name.lastIndexOf('.', dot - 1);
    return name.substring(classDot + 1);
  }
}
