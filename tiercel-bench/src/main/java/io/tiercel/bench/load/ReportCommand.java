package io.tiercel.bench.load;

import io.tiercel.bench.Args;
import io.tiercel.bench.UsageException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** {@code bench report}: one self-contained HTML page with charts over {@code bench load} JSON. */
public final class ReportCommand {
  /** The usage of {@code bench report}. */
  public static final String USAGE =
      """
      report A.json [B.json ...] --html OUT [--markdown OUT.md] [--title T]
        draws throughput, latency-by-percentile and throughput-over-time charts (inline SVG, no
        scripts) of the results written by bench load --json or bench compare --json-dir, and
        prints a one-line summary of each; --markdown also writes them as one Markdown table.
      """;

  private ReportCommand() {}

  /** Runs {@code bench report}; returns 0, 1 if a file cannot be read or written, 2 on usage. */
  public static int run(String[] argv, PrintStream out, PrintStream err) {
    List<String> files = new ArrayList<>();
    List<String> flags = new ArrayList<>();
    for (int i = 0; i < argv.length; i++) {
      if (argv[i].startsWith("--")) {
        flags.add(argv[i]);
        if (!argv[i].contains("=") && i + 1 < argv.length) {
          flags.add(argv[++i]);
        }
      } else {
        files.add(argv[i]);
      }
    }
    Args args = Args.parse(flags.toArray(String[]::new), Set.of("html", "title", "markdown"), Set.of());
    if (files.isEmpty()) {
      throw new UsageException("report: no result files given");
    }
    if (args.get("html") == null) {
      throw new UsageException("report: --html OUT is required");
    }
    List<LoadResult> results = new ArrayList<>();
    try {
      for (String file : files) {
        results.add(LoadCommand.readJson(Path.of(file)));
      }
    } catch (IOException e) {
      err.println("tiercel bench report: " + e.getMessage());
      return 1;
    }
    for (LoadResult r : results) {
      out.printf(Locale.ROOT, "%-28s %-6s %5s clients %,12.0f ops/s  p50 %8.1f  p99 %8.1f"
          + "  p99.9 %8.1f us  errors %d%n", r.label(), r.settings().get("mode"),
          r.settings().get("clients"), r.throughput(), r.metric("p50"), r.metric("p99"),
          r.metric("p99.9"), r.errors());
    }
    Path html = Path.of(args.get("html"));
    try {
      Path parent = html.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(html, HtmlReport.render(args.get("title", "Tiercel load report"),
          results, Arrays.asList(files.stream().map(f -> Path.of(f).getFileName().toString())
              .toArray(String[]::new))));
    } catch (IOException e) {
      err.println("tiercel bench report: cannot write " + html + ": " + e.getMessage());
      return 1;
    }
    out.println("wrote " + html);
    if (args.get("markdown") != null) {
      Path md = Path.of(args.get("markdown"));
      try {
        Files.writeString(md, MarkdownTable.format(results));
      } catch (IOException e) {
        err.println("tiercel bench report: cannot write " + md + ": " + e.getMessage());
        return 1;
      }
      out.println("wrote " + md);
    }
    return 0;
  }
}
