package io.tiercel.persistence;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Files named {@code <prefix><20-digit number><suffix>} (snapshots by sequence, log segments by
 * first LSN): naming, parsing and listing in number order.
 */
record NumberedFiles(String prefix, String suffix) {

  /** Returns the file numbered {@code number} under {@code dir}. */
  Path path(Path dir, long number) {
    return dir.resolve(String.format(java.util.Locale.ROOT, "%s%020d%s", prefix, number, suffix));
  }

  /** Returns the number in {@code file}'s name, or -1 if it is not one of these files. */
  long numberOf(Path file) {
    String name = file.getFileName().toString();
    if (!name.startsWith(prefix) || !name.endsWith(suffix)) {
      return -1;
    }
    try {
      return Long.parseLong(name.substring(prefix.length(), name.length() - suffix.length()));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Returns these files under {@code dir}, lowest number first. */
  List<Path> list(Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      files.filter(f -> numberOf(f) >= 0).forEach(out::add);
    }
    out.sort((a, b) -> Long.compare(numberOf(a), numberOf(b)));
    return out;
  }
}
