package io.tiercel.core.backing;

import java.util.regex.Pattern;

/**
 * Validates SQL identifiers (table and column names) that stores splice into statements: only
 * letters, digits and underscores, starting with a letter or underscore, at most 64 characters,
 * so a name can never carry SQL.
 */
public final class Identifiers {
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");

  private Identifiers() {}

  /** Returns {@code name} if it is a safe identifier, else fails naming {@code what}. */
  public static String require(String what, String name) {
    if (name == null || !IDENTIFIER.matcher(name).matches()) {
      throw new IllegalArgumentException(what + ": '" + name
          + "' (expected: 1-64 of A-Z a-z 0-9 _, not starting with a digit)");
    }
    return name;
  }
}
