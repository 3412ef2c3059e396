package io.tiercel.server;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the real programs tests run (redis-cli, redis-benchmark, redis-server) on the PATH. */
final class Executables {
  private Executables() {}

  /** Returns the path of {@code binary} on the PATH, or null if it is not installed. */
  static String onPath(String binary) {
    for (String entry : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(entry, binary);
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    return null;
  }
}
