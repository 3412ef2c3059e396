package io.tiercel.agent;

/** Reads one field of an {@code INFO} reply ({@code name:value} lines). */
final class InfoFields {
  private InfoFields() {}

  /** Returns the value of {@code name} in {@code client}'s {@code INFO agent}; fails if absent. */
  static String agent(RespClient client, String name) throws Exception {
    return field(String.valueOf(client.call("INFO", "agent")), name);
  }

  /** Returns {@code name}'s value in {@code client}'s {@code INFO agent} as a number. */
  static long agentNumber(RespClient client, String name) throws Exception {
    return Long.parseLong(agent(client, name));
  }

  /** Returns the value of {@code name} in an INFO reply; fails if absent. */
  static String field(String info, String name) {
    for (String line : info.split("\r\n")) {
      if (line.startsWith(name + ":")) {
        return line.substring(name.length() + 1);
      }
    }
    throw new AssertionError(name + " not in INFO: " + info);
  }
}
