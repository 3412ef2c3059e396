package io.tiercel.server.config;

import java.util.ArrayList;
import java.util.List;

/** Splits a command line of {@code --key value} and {@code --key=value} flags into pairs. */
public final class CommandLineFlags {
  private CommandLineFlags() {}

  /**
   * Returns the flags of {@code args} as (key, value) pairs in command-line order.
   *
   * @throws IllegalArgumentException for an argument that is not a flag, or a flag without value
   */
  public static List<String[]> pairs(String... args) {
    List<String[]> pairs = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--") || arg.length() == 2) {
        throw new IllegalArgumentException("unexpected argument '" + arg + "'");
      }
      int eq = arg.indexOf('=');
      if (eq > 0) {
        pairs.add(new String[] {arg.substring(2, eq), arg.substring(eq + 1)});
      } else {
        String key = arg.substring(2);
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("flag --" + key + " needs a value");
        }
        pairs.add(new String[] {key, args[++i]});
      }
    }
    return pairs;
  }
}
