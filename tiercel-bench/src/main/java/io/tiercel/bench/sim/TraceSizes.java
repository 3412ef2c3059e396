package io.tiercel.bench.sim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cache sizes to report per trace, read from a {@code sizes.tsv} beside the traces: one line a
 * trace, {@code file<TAB>n1,n2,...<TAB>where they come from}, with {@code #} comment lines.
 */
public final class TraceSizes {
  /** The name of the sizes file looked for next to a trace. */
  public static final String FILE_NAME = "sizes.tsv";

  private TraceSizes() {}

  /** Returns the sizes per trace file name, in the file's order. */
  public static Map<String, List<Integer>> read(Path sizesFile) throws IOException {
    Map<String, List<Integer>> sizes = new LinkedHashMap<>();
    int lineNo = 0;
    for (String line : Files.readAllLines(sizesFile)) {
      lineNo++;
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] fields = line.split("\t");
      if (fields.length < 2) {
        throw new IOException(sizesFile + ":" + lineNo + ": expected: file<TAB>sizes");
      }
      List<Integer> list = new ArrayList<>();
      for (String size : fields[1].split(",")) {
        try {
          list.add(Integer.parseInt(size.trim()));
        } catch (NumberFormatException e) {
          throw new IOException(sizesFile + ":" + lineNo + ": size '" + size + "' is not an int");
        }
      }
      sizes.put(fields[0].trim(), List.copyOf(list));
    }
    return sizes;
  }

  /** Returns the sizes listed for {@code trace} in the sizes file beside it, or an empty list. */
  public static List<Integer> forTrace(Path trace) throws IOException {
    Path dir = trace.toAbsolutePath().getParent();
    Path file = dir.resolve(FILE_NAME);
    if (!Files.isRegularFile(file)) {
      return List.of();
    }
    return read(file).getOrDefault(trace.getFileName().toString(), List.of());
  }
}
