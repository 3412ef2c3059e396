package io.tiercel.server.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The lines of a config file as settings: {@code key value} or {@code key=value}, blank lines and
 * {@code #} comments skipped, a value in double quotes unquoted. The node and the agent read
 * their files through it, so both accept the same format.
 */
public final class ConfigFileLines {
  private ConfigFileLines() {}

  /** One setting of a config file, with its 1-based line number for error messages. */
  public record Line(int number, String key, String value) {}

  /**
   * Returns the settings of {@code file} in file order.
   *
   * @throws IllegalArgumentException if the file cannot be read, or a line sets {@code config}
   */
  public static List<Line> read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException("config: cannot read '" + file + "': " + e.getMessage());
    }
    List<Line> out = new ArrayList<>();
    int number = 0;
    for (String raw : lines) {
      number++;
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int split = 0;
      while (split < line.length() && line.charAt(split) != '='
          && !Character.isWhitespace(line.charAt(split))) {
        split++;
      }
      String key = line.substring(0, split);
      String value = split < line.length() ? line.substring(split + 1).strip() : "";
      if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
        value = value.substring(1, value.length() - 1);
      }
      if (ConfigKeys.normalize(key).equals("config")) {
        throw new IllegalArgumentException(file + ":" + number + ": config files do not nest");
      }
      out.add(new Line(number, key, value));
    }
    return out;
  }
}
