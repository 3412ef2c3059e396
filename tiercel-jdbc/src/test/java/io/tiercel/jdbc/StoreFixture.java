package io.tiercel.jdbc;

import io.tiercel.core.CacheConfig;
import io.tiercel.core.Caches;
import io.tiercel.core.Clock;
import io.tiercel.core.RemovalListener;
import io.tiercel.core.backing.BackedCache;
import io.tiercel.core.backing.BackingStore;
import io.tiercel.core.backing.FileWriteJournal;
import io.tiercel.core.backing.StoreOptions;
import io.tiercel.core.backing.WriteJournal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds backed caches over real JDBC stores for tests. */
final class StoreFixture {
  private StoreFixture() {}

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String s(byte[] b) {
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }

  static Map<String, String> spec(String spec) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String part : spec.split(",")) {
      int eq = part.indexOf('=');
      m.put(part.substring(0, eq), part.substring(eq + 1));
    }
    return m;
  }

  static Path journalPath() {
    try {
      Path target = Files.createDirectories(Path.of("target").toAbsolutePath());
      return Files.createTempDirectory(target, "journal-").resolve("cache.journal");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Opens a backed cache named {@code name} with {@code spec} options over {@code store}. */
  static BackedCache open(String name, String spec, CacheConfig config, BackingStore store,
      Path journal, Clock clock) {
    StoreOptions options = StoreOptions.parse(spec(spec));
    try {
      WriteJournal j = journal == null ? WriteJournal.none()
          : new FileWriteJournal(journal, options.fsync(), clock);
      return BackedCache.open(name, l -> Caches.create(name, config, clock, l),
          RemovalListener.none(), store, j, options, clock);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
