package io.tiercel.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.tiercel.core.Cache;
import io.tiercel.core.CacheConfig;
import io.tiercel.core.CacheManager;
import io.tiercel.core.FsyncPolicy;
import io.tiercel.core.ManualClock;
import io.tiercel.core.PackedKeyValue;
import io.tiercel.core.RemovalListener;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots and logs keep keys and values apart on disk ({@link SnapshotFile}'s records, the log's
 * SET records), whatever layout the store keeps them in: data directories written by the build
 * before the key length moved in front of the key ({@code data-before-length-first}, made by its
 * {@code MakeFixture.java.txt} with that build) load entry for entry, and a snapshot written now is
 * byte for byte the one that build wrote.
 */
class PersistenceFormatCompatibilityTest {
  private static final long NOW = 1_700_000_000_000L;
  private static final int[] KEY_LENGTHS = {0, 1, 7, 8, 9, 31, 32, 33, 127, 128, 129, 300};

  @TempDir Path dir;
  private final ManualClock clock = new ManualClock(NOW);
  private Persistence persistence;

  @AfterEach
  void closeNode() {
    if (persistence != null) {
      persistence.close();
    }
  }

  /** Key bytes as {@code MakeFixture} wrote them. */
  private static byte[] key(String prefix, int length) {
    byte[] b = new byte[length];
    for (int i = 0; i < length; i++) {
      b[i] = (byte) (i < prefix.length() ? prefix.charAt(i) : 'a' + (i * 7 + length) % 26);
    }
    return b;
  }

  /** The value {@code MakeFixture} stored under a key of this length. */
  private static byte[] value(String prefix, int length) {
    return (prefix + "value-" + length + "-" + "x".repeat(length % 50)).getBytes();
  }

  /** The expiry {@code MakeFixture} gave a key of this length. */
  private static long expiry(int length) {
    return length % 3 == 1 ? NOW + 86_400_000L : Cache.NO_EXPIRY;
  }

  private Cache open(PersistenceConfig config) throws IOException {
    if (persistence != null) {
      persistence.close();
    }
    persistence = new Persistence(config, clock);
    CacheManager caches = new CacheManager(CacheConfig.defaults(), clock, RemovalListener.none(),
        Runnable::run, persistence);
    persistence.recover(caches);
    return caches.defaultCache();
  }

  /** Copies fixture folder {@code name} into the temporary directory; returns the copy. */
  private Path copyFixture(String name) throws IOException, URISyntaxException {
    Path from = Path.of(getClass().getResource("/data-before-length-first/" + name).toURI());
    Path to = dir.resolve(name);
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : files.toList()) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target);
        }
      }
    }
    return to;
  }

  private static void assertHolds(Cache c, String prefix, List<Integer> skip) {
    for (int n : KEY_LENGTHS) {
      if (skip.contains(n)) {
        continue;
      }
      assertThat(c.get(key(prefix, n))).as("%s key of %d bytes", prefix, n)
          .isEqualTo(value(prefix, n));
      assertThat(c.expireAt(key(prefix, n))).isEqualTo(expiry(n));
    }
  }

  @Test
  void aSnapshotWrittenBeforeTheLengthFirstLayoutLoadsEveryKeyLength() throws Exception {
    Path data = copyFixture("snapshots");
    Cache c = open(PersistenceConfig.snapshotsOnly(data, Duration.ofHours(1)));
    assertThat(c.size()).isEqualTo(KEY_LENGTHS.length);
    assertHolds(c, "s", List.of());
  }

  @Test
  void aSnapshotAndLogTailWrittenBeforeTheLengthFirstLayoutLoadEveryKeyLength() throws Exception {
    Path data = copyFixture("aof");
    Cache c = open(new PersistenceConfig(data, true, FsyncPolicy.ALWAYS, Duration.ZERO, false,
        PersistenceConfig.DEFAULT_REWRITE_MIN_SIZE));
    // The empty key is the same key under both prefixes: the log's write to it came last.
    assertHolds(c, "a", List.of(0));
    assertHolds(c, "l", List.of(8, 9));
    assertThat(c.get(key("l", 9))).isEqualTo("changed".getBytes());
    assertThat(c.get(key("l", 8))).isNull();
    assertThat(c.size()).isEqualTo(2L * KEY_LENGTHS.length - 2);
  }

  @Test
  void aSnapshotWrittenNowIsByteForByteTheOneTheOldLayoutWrote() throws Exception {
    Path old = copyFixture("snapshots").resolve("default").resolve(SnapshotFile.path(Path.of(""), 1)
        .getFileName().toString());
    Path data = dir.resolve("fresh");
    Cache c = open(PersistenceConfig.snapshotsOnly(data, Duration.ofHours(1)));
    for (int n : KEY_LENGTHS) {
      byte[] k = key("s", n);
      byte[] v = value("s", n);
      switch (n % 3) {
        case 0 -> c.put(k, v, Cache.NO_EXPIRY);
        case 1 -> c.putPacked(PackedKeyValue.pack(k, v), expiry(n));
        default -> c.putPacked(PackedKeyValue.pack(k, v), Cache.NO_EXPIRY);
      }
    }
    persistence.close();
    persistence = null;
    List<Path> written = SnapshotFile.list(data.resolve("default"));
    assertThat(written).hasSize(1);
    // The keys' cluster slots all differ, so the scan order, and with it the file, is fixed.
    assertThat(Files.readAllBytes(written.getFirst())).isEqualTo(Files.readAllBytes(old));
  }
}
