package io.tiercel.bench.sim;

import io.tiercel.bench.Args;
import io.tiercel.bench.UsageException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code bench hitratio}: replays key traces through each policy at each size and prints
 * {@code trace size policy hit_ratio} rows, then (with {@code --all} or {@code --summary}) the
 * averages and the checks of the hit-ratio targets.
 *
 * <p>Each trace is loaded once into a {@code long[]}; its (size, policy) replays then run on
 * {@code --threads} threads, each replay on its own single-threaded cache.
 */
public final class HitRatioCommand {
  /** The flags, as printed by {@code tiercel bench} on a usage error. */
  public static final String USAGE =
      """
      --trace FILE[,FILE...]  key traces: one signed 64-bit integer a line, plain or .gz
      --all                   every trace listed in sizes.tsv under --dir, with its sizes
      --dir DIR               trace directory for --all (default $TIERCEL_TRACES, else
                              ../shared/traces)
      --sizes N1,N2,...       cache sizes in entries (default: the trace's line in the
                              sizes.tsv beside it)
      --policies P,...        of lru,arc,tinylfu,caffeine,caffeine-kh,opt (default: all);
                            caffeine-kh is Caffeine keyed by the store's key hash
      --threads T             replays run in parallel (default 1)
      --limit N               replay only the first N requests of each trace
      --tsv                   tab-separated rows with a header; summary lines start with #
      --summary               print averages and target checks (always on with --all)
      --strict                exit 1 if a target check fails""";

  private HitRatioCommand() {}

  /** Runs the command; returns 0, 1 if a replay failed (or a check with --strict), 2 on usage. */
  public static int run(String[] argv, PrintStream out, PrintStream err) {
    Args args = Args.parse(argv,
        Set.of("trace", "dir", "sizes", "policies", "threads", "limit"),
        Set.of("all", "tsv", "summary", "strict"));
    List<String> policies = args.list("policies");
    if (policies.isEmpty()) {
      policies = SimPolicies.ALL;
    }
    for (String policy : policies) {
      if (!SimPolicies.isKnown(policy)) {
        throw new UsageException("--policies: unknown policy '" + policy + "' (expected: "
            + String.join(",", SimPolicies.ALL) + ")");
      }
    }
    int threads = args.positiveInt("threads", 1);
    int limit = args.positiveInt("limit", Integer.MAX_VALUE);
    List<Integer> sizes = args.intList("sizes");
    Map<Path, List<Integer>> plan;
    try {
      plan = plan(args, sizes);
    } catch (IOException e) {
      err.println("tiercel bench hitratio: " + e.getMessage());
      return 1;
    }
    boolean tsv = args.has("tsv");
    boolean summary = args.has("summary") || args.has("all");
    return new HitRatioCommand.Runner(policies, threads, limit, tsv, out, err)
        .run(plan, summary, args.has("strict"));
  }

  /** Returns the traces to replay, each with its sizes. */
  private static Map<Path, List<Integer>> plan(Args args, List<Integer> sizes)
      throws IOException {
    Map<Path, List<Integer>> plan = new LinkedHashMap<>();
    if (args.has("all")) {
      if (args.get("trace") != null) {
        throw new UsageException("--all and --trace: give one or the other");
      }
      Path dir = Path.of(args.get("dir", defaultDir()));
      Path sizesFile = dir.resolve(TraceSizes.FILE_NAME);
      if (!Files.isRegularFile(sizesFile)) {
        throw new UsageException("--all: no " + sizesFile + " (set --dir or $TIERCEL_TRACES)");
      }
      for (Map.Entry<String, List<Integer>> e : TraceSizes.read(sizesFile).entrySet()) {
        Path trace = dir.resolve(e.getKey());
        if (!Files.isRegularFile(trace)) {
          throw new IOException(sizesFile + " lists " + e.getKey() + ", which is not in " + dir);
        }
        plan.put(trace, sizes.isEmpty() ? e.getValue() : sizes);
      }
      return plan;
    }
    if (args.get("dir") != null) {
      throw new UsageException("--dir: only with --all");
    }
    List<String> traces = args.list("trace");
    if (traces.isEmpty()) {
      throw new UsageException("hitratio: --trace or --all is required");
    }
    for (String name : traces) {
      Path trace = Path.of(name);
      if (!Files.isRegularFile(trace)) {
        throw new UsageException("--trace: no such file: " + name);
      }
      List<Integer> traceSizes = sizes.isEmpty() ? TraceSizes.forTrace(trace) : sizes;
      if (traceSizes.isEmpty()) {
        throw new UsageException("--sizes: not given, and no " + TraceSizes.FILE_NAME
            + " beside " + name + " lists it");
      }
      plan.put(trace, traceSizes);
    }
    return plan;
  }

  private static String defaultDir() {
    String env = System.getenv("TIERCEL_TRACES");
    return env == null || env.isBlank() ? "../shared/traces" : env;
  }

  /** Replays the planned traces and prints as each trace completes. */
  private static final class Runner {
    private final List<String> policies;
    private final int threads;
    private final int limit;
    private final boolean tsv;
    private final PrintStream out;
    private final PrintStream err;
    private int traceWidth = 5;

    Runner(List<String> policies, int threads, int limit, boolean tsv, PrintStream out,
        PrintStream err) {
      this.policies = policies;
      this.threads = threads;
      this.limit = limit;
      this.tsv = tsv;
      this.out = out;
      this.err = err;
    }

    int run(Map<Path, List<Integer>> plan, boolean summary, boolean strict) {
      for (Path trace : plan.keySet()) {
        traceWidth = Math.max(traceWidth, Trace.nameOf(trace.getFileName().toString()).length());
      }
      printHeader();
      List<HitRatioRow> rows = new ArrayList<>();
      int failures = 0;
      long start = System.nanoTime();
      ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
        Thread t = new Thread(r, "hitratio");
        t.setDaemon(true);
        return t;
      });
      try {
        for (Map.Entry<Path, List<Integer>> e : plan.entrySet()) {
          failures += replayTrace(pool, e.getKey(), e.getValue(), rows);
        }
      } finally {
        pool.shutdownNow();
      }
      err.printf(Locale.ROOT, "hitratio: %d rows in %.1f s, %d failed%n",
          rows.size(), (System.nanoTime() - start) / 1e9, failures);
      boolean checksPassed = true;
      if (summary) {
        HitRatioSummary s = new HitRatioSummary(rows, policies);
        out.println(tsv ? "#" : "");
        s.print(out, tsv ? "# " : "");
        checksPassed = s.passed();
      }
      out.flush();
      if (failures > 0) {
        return 1;
      }
      return strict && !checksPassed ? 1 : 0;
    }

    /** Replays one trace at every size through every policy; returns the failed replays. */
    private int replayTrace(ExecutorService pool, Path path, List<Integer> sizes,
        List<HitRatioRow> rows) {
      Trace trace;
      long loadStart = System.nanoTime();
      try {
        trace = TraceReader.read(path).limit(limit);
      } catch (IOException | RuntimeException e) {
        err.println("hitratio: cannot read " + path + ": " + e.getMessage());
        return sizes.size() * policies.size();
      }
      err.printf(Locale.ROOT, "hitratio: %s: %,d requests loaded in %.1f s%n",
          trace.name(), trace.length(), (System.nanoTime() - loadStart) / 1e9);
      TraceRun run = new TraceRun(trace);
      List<Future<HitRatioRow>> futures = new ArrayList<>();
      List<String> labels = new ArrayList<>();
      for (int size : sizes) {
        for (String policy : policies) {
          labels.add(trace.name() + " " + size + " " + policy);
          futures.add(pool.submit(() -> {
            SimPolicy sim = SimPolicies.create(policy, run, size);
            Replay.Result r = Replay.run(sim, run.keys());
            HitRatioRow row =
                new HitRatioRow(trace.name(), size, policy, r.hits(), r.requests(), r.nanos());
            err.printf(Locale.ROOT, "  %s %d %s %.5f (%.1f s)%n",
                row.trace(), size, policy, row.hitRatio(), r.nanos() / 1e9);
            return row;
          }));
        }
      }
      int failed = 0;
      for (int i = 0; i < futures.size(); i++) {
        try {
          HitRatioRow row = futures.get(i).get();
          rows.add(row);
          printRow(row);
        } catch (ExecutionException e) {
          failed++;
          Throwable cause = e.getCause();
          err.println("hitratio: " + labels.get(i) + " FAILED: " + cause);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted", e);
        }
      }
      out.flush();
      return failed;
    }

    private void printHeader() {
      if (tsv) {
        out.println("trace\tsize\tpolicy\thit_ratio\thits\trequests\tseconds");
      } else {
        out.printf(Locale.ROOT, "%-" + traceWidth + "s %9s %-8s %9s%n",
            "trace", "size", "policy", "hit_ratio");
      }
    }

    private void printRow(HitRatioRow row) {
      if (tsv) {
        out.printf(Locale.ROOT, "%s\t%d\t%s\t%.6f\t%d\t%d\t%.3f%n", row.trace(), row.size(),
            row.policy(), row.hitRatio(), row.hits(), row.requests(), row.nanos() / 1e9);
      } else {
        out.printf(Locale.ROOT, "%-" + traceWidth + "s %9d %-8s %9.5f%n",
            row.trace(), row.size(), row.policy(), row.hitRatio());
      }
    }
  }
}
