package io.tiercel.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One line of the compatibility case file: a command and how its replies are compared.
 *
 * <p>Syntax of a line: {@code [option ...] COMMAND arg ...}. Arguments split on spaces; double
 * quotes group, with {@code \r \n \t \" \\ \xHH} escapes, as redis-cli reads them. Options:
 * {@code [near N]} integers equal within N (time-dependent replies); {@code [unordered]}
 * aggregates compared sorted; {@code [type]} only the reply type compared (random or clock
 * values); {@code [unknown]} Tiercel must answer {@code -ERR unknown command} and Redis any
 * error (other data types: an intended difference); {@code [scanall]} a SCAN iterated to cursor
 * 0 on each server and the sets of keys compared; {@code [raw]} the one argument is sent as is
 * (inline commands); {@code [resp2]}/{@code [resp3]} only in that protocol; {@code [docs]} a
 * {@code COMMAND DOCS} reply compared by shape (see {@code RedisCompatibilityTest#docsDifference});
 * {@code [prefix]} both errors, their texts equal up to Redis's first {@code " - "} (the
 * {@code CONFIG SET failed (possibly related to argument 'key') - } part), the reason after it
 * Tiercel's own.
 *
 * @param line the 1-based line number in the file
 * @param options the options, without brackets
 * @param near the tolerance of {@code [near N]}, else 0
 * @param args the command's arguments
 * @param source the line as written
 */
record CompatCase(int line, Set<String> options, long near, List<byte[]> args, String source) {

  /** A named run of cases that starts on flushed servers and fresh connections. */
  record Group(String title, int line, List<CompatCase> cases) {}

  /** Returns whether the case has {@code option}. */
  boolean has(String option) {
    return options.contains(option);
  }

  /** Returns whether the case runs in RESP3 ({@code resp3}) or RESP2. */
  boolean runsIn(boolean resp3) {
    return resp3 ? !has("resp2") : !has("resp3");
  }

  /** Parses a case file: {@code == title} starts a group, {@code #} starts a comment. */
  static List<Group> parse(InputStream in) throws IOException {
    String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    List<Group> groups = new ArrayList<>();
    List<CompatCase> current = null;
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (line.startsWith("==")) {
        current = new ArrayList<>();
        groups.add(new Group(line.substring(2).strip(), i + 1, current));
        continue;
      }
      if (current == null) {
        throw new IllegalArgumentException("line " + (i + 1) + ": a case before any '== group'");
      }
      current.add(parseLine(i + 1, line));
    }
    return groups;
  }

  private static CompatCase parseLine(int number, String line) {
    Set<String> options = new HashSet<>();
    long near = 0;
    String rest = line;
    while (rest.startsWith("[")) {
      int close = rest.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException("line " + number + ": unclosed option");
      }
      String option = rest.substring(1, close).strip();
      if (option.startsWith("near ")) {
        near = Long.parseLong(option.substring(5).strip());
        option = "near";
      }
      if (!Set.of("near", "unordered", "type", "unknown", "scanall", "raw", "resp2", "resp3",
          "docs", "prefix")
          .contains(option)) {
        throw new IllegalArgumentException("line " + number + ": unknown option " + option);
      }
      options.add(option);
      rest = rest.substring(close + 1).stripLeading();
    }
    List<byte[]> args = split(number, rest);
    if (args.isEmpty()) {
      throw new IllegalArgumentException("line " + number + ": no command");
    }
    return new CompatCase(number, Set.copyOf(options), near, List.copyOf(args), line);
  }

  /** Splits arguments as redis-cli does: spaces separate, double quotes group with escapes. */
  static List<byte[]> split(int number, String s) {
    List<byte[]> args = new ArrayList<>();
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == ' ') {
        i++;
        continue;
      }
      ByteArrayOutputStream arg = new ByteArrayOutputStream();
      if (c == '"') {
        i++;
        while (true) {
          if (i >= s.length()) {
            throw new IllegalArgumentException("line " + number + ": unclosed quote");
          }
          char q = s.charAt(i++);
          if (q == '"') {
            break;
          }
          if (q == '\\' && i < s.length()) {
            char e = s.charAt(i++);
            switch (e) {
              case 'r' -> arg.write('\r');
              case 'n' -> arg.write('\n');
              case 't' -> arg.write('\t');
              case 'x' -> {
                arg.write(Integer.parseInt(s.substring(i, i + 2), 16));
                i += 2;
              }
              default -> arg.write(e);
            }
          } else {
            arg.writeBytes(String.valueOf(q).getBytes(StandardCharsets.UTF_8));
          }
        }
      } else {
        int end = s.indexOf(' ', i);
        end = end < 0 ? s.length() : end;
        arg.writeBytes(s.substring(i, end).getBytes(StandardCharsets.UTF_8));
        i = end;
      }
      args.add(arg.toByteArray());
    }
    return args;
  }
}
