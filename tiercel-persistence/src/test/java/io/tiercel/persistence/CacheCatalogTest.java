package io.tiercel.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tiercel.core.CacheConfig;
import io.tiercel.core.CacheManager;
import io.tiercel.core.FsyncPolicy;
import io.tiercel.core.ManualClock;
import io.tiercel.core.RemovalListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cache creations and drops as records of the catalog log, replayed in log order. */
class CacheCatalogTest {
  @TempDir Path dir;
  @TempDir Path scratch;
  private final ManualClock clock = new ManualClock(1_700_000_000_000L);
  private Persistence persistence;

  @AfterEach
  void closeNode() {
    if (persistence != null) {
      persistence.close();
    }
  }

  private CacheManager open(boolean loadTruncated) throws IOException {
    return open(loadTruncated, Map.of());
  }

  private CacheManager open(boolean loadTruncated, Map<String, CacheSettings> configured)
      throws IOException {
    if (persistence != null) {
      persistence.close();
    }
    persistence = new Persistence(new PersistenceConfig(dir, true, FsyncPolicy.ALWAYS,
        Duration.ZERO, loadTruncated, PersistenceConfig.DEFAULT_REWRITE_MIN_SIZE), clock);
    CacheManager caches = new CacheManager(CacheConfig.defaults(), clock, RemovalListener.none(),
        Runnable::run, persistence);
    persistence.recover(caches, configured);
    return caches;
  }

  private void create(CacheManager m, String name, String spec, String settings) {
    persistence.create(name, persistence.defaults().withSpec(settings),
        () -> m.create(name, CacheConfig.parse(spec)));
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String s(byte[] b) {
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }

  @Test
  void aDropThenACreateOfTheSameNameReplaysAsTheSecondCacheWithOnlyItsKeys() throws IOException {
    CacheManager m = open(true);
    create(m, "orders", "policy=lru,maxmemory=8mb", "appendfsync=always");
    m.get("orders").put(b("old"), b("1"));
    m.get("orders").put(b("both"), b("first"));
    m.drop("orders");
    create(m, "orders", "policy=arc,maxmemory=4mb", "appendfsync=no,snapshot-interval=30s");
    m.get("orders").put(b("both"), b("second"));
    m.get("orders").put(b("new"), b("2"));

    CacheManager r = open(true);
    assertThat(r.names()).containsExactly("default", "orders");
    assertThat(s(r.get("orders").get(b("old")))).isNull();
    assertThat(s(r.get("orders").get(b("both")))).isEqualTo("second");
    assertThat(s(r.get("orders").get(b("new")))).isEqualTo("2");
    assertThat(r.get("orders").config().maxMemory()).isEqualTo(4L << 20);
    assertThat(persistence.settings("orders"))
        .isEqualTo(new CacheSettings(true, FsyncPolicy.NO, Duration.ofSeconds(30)));
  }

  @Test
  void createAndDropAreRecordsOfTheCatalogLogAndNoManifestIsWritten() throws IOException {
    CacheManager m = open(true);
    create(m, "a", "maxmemory=1mb", "");
    create(m, "b", "maxmemory=1mb", "");
    m.drop("a");

    LogReplayer.Result r = LogReplayer.replay(dir.resolve(CacheCatalog.FILE), "catalog", 0,
        new LoadProgress(clock, 0), (type, p) -> { });
    assertThat(r.damage()).isNull();
    assertThat(r.lastLsn()).as("CREATE a, CREATE b, DROP a").isEqualTo(3);
    assertThat(Files.exists(dir.resolve("b").resolve(CacheStore.MANIFEST))).isFalse();
    assertThat(Files.exists(dir.resolve("a"))).isFalse();

    open(true);
    LogReplayer.Result compacted = LogReplayer.replay(dir.resolve(CacheCatalog.FILE), "catalog",
        0, new LoadProgress(clock, 0), (type, p) -> { });
    assertThat(compacted.lastLsn()).as("rewritten at start: CREATE b").isEqualTo(1);
  }

  @Test
  void filesADropLeftBehindInACrashAreDeletedAndTheirKeysNeverComeBack() throws IOException {
    CacheManager m = open(true);
    create(m, "tmp", "maxmemory=1mb", "");
    m.get("tmp").put(b("k"), b("v"));
    Path aside = scratch.resolve("tmp");
    copyTree(dir.resolve("tmp"), aside);
    m.drop("tmp");
    persistence.close();
    persistence = null;
    // As if the node died after the DROP record was forced but before the files were deleted.
    copyTree(aside, dir.resolve("tmp"));

    CacheManager r = open(true);
    assertThat(r.names()).containsExactly("default");
    assertThat(Files.exists(dir.resolve("tmp"))).isFalse();
    create(r, "tmp", "maxmemory=1mb", "");
    assertThat(r.get("tmp").get(b("k"))).isNull();
  }

  @Test
  void aDamagedCatalogTailIsCutWithAWarningOrRefusedWhenAskedTo() throws IOException {
    CacheManager m = open(true);
    create(m, "keep", "maxmemory=1mb", "");
    create(m, "late", "maxmemory=1mb", "");
    persistence.close();
    persistence = null;
    Path catalog = dir.resolve(CacheCatalog.FILE);
    PersistenceRecoveryTest.flipBit(catalog, Files.size(catalog) - 3);

    assertThatThrownBy(() -> open(false)).isInstanceOf(IOException.class)
        .hasMessageContaining("catalog").hasMessageContaining("damaged");
    persistence.close();
    persistence = null;
    CacheManager r = open(true);
    assertThat(r.names()).containsExactly("default", "keep");
  }

  @Test
  void theConfigFilesSettingsWinOverTheRecordedOnesAndKeepTheData() throws IOException {
    CacheManager m = open(true);
    create(m, "s", "maxmemory=1mb", "appendfsync=always");
    m.get("s").put(b("k"), b("v"));

    CacheSettings configured = new CacheSettings(true, FsyncPolicy.EVERYSEC, Duration.ZERO);
    CacheManager r = open(true, Map.of("s", configured));
    assertThat(s(r.get("s").get(b("k")))).isEqualTo("v");
    assertThat(persistence.settings("s")).isEqualTo(configured);
    CacheManager again = open(true);
    assertThat(persistence.settings("s")).as("recorded by the rewrite").isEqualTo(configured);
    assertThat(s(again.get("s").get(b("k")))).isEqualTo("v");
  }

  @Test
  void aDirectoryWrittenWithManifestsIsImportedIntoTheCatalog() throws IOException {
    Path legacy = dir.resolve("sessions");
    Files.createDirectories(legacy);
    Files.writeString(legacy.resolve(CacheStore.MANIFEST), "policy=lru,maxmemory=2mb\n");

    CacheManager m = open(true);
    assertThat(m.names()).containsExactly("default", "sessions");
    assertThat(m.get("sessions").config().maxMemory()).isEqualTo(2L << 20);
    assertThat(Files.exists(legacy.resolve(CacheStore.MANIFEST))).isFalse();
    assertThat(open(true).names()).containsExactly("default", "sessions");
  }

  @Test
  void aBudgetRecordedInTebibytesByEarlierVersionsLoadsAsTheSameBytes() throws IOException {
    // Earlier versions recorded whole tebibytes as "tb", a unit sizes no longer read (as Redis).
    Path legacy = dir.resolve("big");
    Files.createDirectories(legacy);
    Files.writeString(legacy.resolve(CacheStore.MANIFEST), "policy=lru,maxmemory=2tb,ttl=0\n");

    assertThat(open(true).get("big").config().maxMemory()).isEqualTo(2L << 40);
    assertThat(open(true).get("big").config().maxMemory()).as("from the rewritten catalog")
        .isEqualTo(2L << 40);
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }
}
