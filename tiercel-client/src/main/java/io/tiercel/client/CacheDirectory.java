package io.tiercel.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The files of one embedded cache under {@code <root>/<name>/}: {@code lock} (the election),
 * {@code sock} (the serving process's UNIX socket), {@code data/} (snapshots and the append-only
 * log), {@code secret} (the password every connection authenticates with, readable by the owner
 * only) and {@code tiercel.log}.
 */
record CacheDirectory(String name, Path dir) {
  /** The longest UNIX socket path Linux accepts ({@code sun_path} is 108 bytes with its NUL). */
  static final int MAX_SOCKET_PATH = 107;
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}");

  /**
   * Returns the directory of cache {@code name} under {@code root}, creating it (owner-only).
   *
   * @throws IllegalArgumentException if the name is not a plain file name or the socket path
   *     would be too long for the OS
   */
  static CacheDirectory create(Path root, String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("cache name: '" + name
          + "' (expected: 1 to 64 of A-Z a-z 0-9 _ . -, not starting with . or -)");
    }
    CacheDirectory d = new CacheDirectory(name, root.toAbsolutePath().normalize().resolve(name));
    int length = d.socket().toString().getBytes(StandardCharsets.UTF_8).length;
    if (length > MAX_SOCKET_PATH) {
      throw new IllegalArgumentException("root: the socket path " + d.socket() + " is " + length
          + " bytes (expected: <= " + MAX_SOCKET_PATH + "); choose a shorter root");
    }
    try {
      Files.createDirectories(d.dir);
      restrict(d.dir, "rwx------");
    } catch (IOException e) {
      throw new UncheckedIOException("root: cannot create " + d.dir, e);
    }
    return d;
  }

  /** Returns the lock file whose holder serves the cache. */
  Path lockFile() {
    return dir.resolve("lock");
  }

  /** Returns the serving process's UNIX socket. */
  Path socket() {
    return dir.resolve("sock");
  }

  /** Returns the data directory (snapshots and the log). */
  Path data() {
    return dir.resolve("data");
  }

  /** Returns the log file. */
  Path logFile() {
    return dir.resolve("tiercel.log");
  }

  /**
   * Returns the password of this cache's server, creating it once (random, owner-only); every
   * serving process reuses it, so clients need not re-read it after a handover.
   */
  String secret() {
    Path file = dir.resolve("secret");
    try {
      if (!Files.exists(file)) {
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        Path tmp = Files.createTempFile(dir, "secret", ".tmp");
        restrict(tmp, "rw-------");
        Files.writeString(tmp, HexFormat.of().formatHex(random), StandardCharsets.US_ASCII,
            StandardOpenOption.TRUNCATE_EXISTING);
        try {
          // Atomic, and no replacement: when two processes race, the first file wins for both.
          Files.createLink(file, tmp);
        } catch (FileAlreadyExistsException e) {
          // Another process created it first; use theirs.
        } finally {
          Files.deleteIfExists(tmp);
        }
      }
      return Files.readString(file, StandardCharsets.US_ASCII).strip();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create " + file, e);
    }
  }

  private static void restrict(Path p, String perms) throws IOException {
    try {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system: the OS's defaults apply.
    }
  }
}
