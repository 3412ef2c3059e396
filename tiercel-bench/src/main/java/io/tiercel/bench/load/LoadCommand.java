package io.tiercel.bench.load;

import io.tiercel.bench.Args;
import io.tiercel.bench.UsageException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code bench load}: one closed- or open-loop run against a target; a table and JSON. */
public final class LoadCommand {
  /** The usage of {@code bench load}. */
  public static final String USAGE =
      """
      load --target T [flags] [--json FILE]
        T: resp://host:port | unix:///path (RESP) | memcache://host:port (text protocol)
        prints a table of throughput and latency percentiles (p50 p90 p99 p99.9 max) per
        request kind, hits, misses and errors by kind; --json FILE writes the result with its
        histograms for bench report and bench compare. Exit 1 if any request failed.
        --label L names the run (default: the target).
      """
          + LoadFlags.USAGE;

  private LoadCommand() {}

  /** Runs {@code bench load}; returns 0, 1 if a request failed or the target failed, 2 on usage. */
  public static int run(String[] argv, PrintStream out, PrintStream err)
      throws InterruptedException {
    Args args = Args.parse(argv, LoadFlags.valued("target", "json"), LoadFlags.switches());
    String targetText = args.get("target");
    if (targetText == null) {
      throw new UsageException("load: --target is required");
    }
    Target target = Target.parse(targetText);
    LoadSettings settings = LoadFlags.settings(args, target, target.uri());
    Path json = args.get("json") == null ? null : Path.of(args.get("json"));
    LoadResult result;
    try {
      result = LoadRun.run(settings, Progress.forConsole(out));
    } catch (IOException e) {
      err.println("tiercel bench load: " + e.getMessage());
      return 1;
    }
    out.print(LoadTable.format(result));
    if (json != null) {
      try {
        writeJson(json, result);
      } catch (IOException e) {
        err.println("tiercel bench load: cannot write " + json + ": " + e.getMessage());
        return 1;
      }
      out.println("wrote " + json);
    }
    return result.errors() == 0 ? 0 : 1;
  }

  /** Writes {@code result} as JSON to {@code file}, creating its directory. */
  static void writeJson(Path file, LoadResult result) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(file, Json.write(result.toJson()));
  }

  /** Reads a result written by {@code --json}. */
  static LoadResult readJson(Path file) throws IOException {
    try {
      return LoadResult.fromJson(Json.parse(Files.readString(file)));
    } catch (IllegalArgumentException | ClassCastException | NullPointerException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
  }
}
