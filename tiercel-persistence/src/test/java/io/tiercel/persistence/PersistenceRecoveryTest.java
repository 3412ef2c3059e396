package io.tiercel.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tiercel.core.Cache;
import io.tiercel.core.CacheConfig;
import io.tiercel.core.CacheManager;
import io.tiercel.core.FsyncPolicy;
import io.tiercel.core.ManualClock;
import io.tiercel.core.PackedKeyValue;
import io.tiercel.core.RemovalListener;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Snapshots and the log on a real file system: what comes back after a restart, and damage. */
class PersistenceRecoveryTest {
  @TempDir Path dir;
  private final ManualClock clock = new ManualClock(1_700_000_000_000L);
  private Persistence persistence;
  private CacheManager caches;

  @AfterEach
  void closeNode() {
    if (persistence != null) {
      persistence.close();
    }
  }

  private CacheManager open(PersistenceConfig config) throws IOException {
    if (persistence != null) {
      persistence.close();
    }
    persistence = new Persistence(config, clock);
    caches = new CacheManager(CacheConfig.defaults(), clock, RemovalListener.none(),
        Runnable::run, persistence);
    persistence.recover(caches);
    return caches;
  }

  private PersistenceConfig aof(FsyncPolicy fsync, boolean loadTruncated) {
    return new PersistenceConfig(dir, true, fsync, Duration.ZERO, loadTruncated,
        PersistenceConfig.DEFAULT_REWRITE_MIN_SIZE);
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String s(byte[] b) {
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }

  private Path cacheDir() {
    return dir.resolve(CacheManager.DEFAULT_CACHE);
  }

  @Test
  void everyKindOfWriteComesBackFromTheLog() throws IOException {
    Cache c = open(aof(FsyncPolicy.ALWAYS, true)).defaultCache();
    c.put(b("a"), b("1"));
    c.put(b("b"), b("2"), clock.millis() + 60_000);
    c.put(b("gone"), b("x"));
    c.remove(b("gone"));
    c.put(b("n"), b("10"));
    c.compute(b("n"), e -> {
      e.setValue(b(Long.toString(Long.parseLong(s(e.value())) + 5)));
      return null;
    });
    c.compute(b("a"), e -> {
      e.setExpireAt(clock.millis() + 30_000);
      return null;
    });
    c.put(b("p"), b("persist"), clock.millis() + 10_000);
    c.compute(b("p"), e -> {
      e.setExpireAt(Cache.NO_EXPIRY);
      return null;
    });

    Cache r = open(aof(FsyncPolicy.ALWAYS, true)).defaultCache();
    assertThat(s(r.get(b("a")))).isEqualTo("1");
    assertThat(r.expireAt(b("a"))).isEqualTo(clock.millis() + 30_000);
    assertThat(r.expireAt(b("b"))).isEqualTo(clock.millis() + 60_000);
    assertThat(r.get(b("gone"))).isNull();
    assertThat(s(r.get(b("n")))).isEqualTo("15");
    assertThat(r.expireAt(b("p"))).isEqualTo(Cache.NO_EXPIRY);
    assertThat(r.size()).isEqualTo(4);
  }

  @Test
  void multiKeyWritesComeBackFromTheLog() throws IOException {
    Cache c = open(aof(FsyncPolicy.ALWAYS, true)).defaultCache();
    c.put(b("from"), b("token"));
    // RENAME from -> to, as the node does it: one atomic computeAll over both keys
    c.computeAll(java.util.List.of(b("from"), b("to")), entries -> {
      byte[] value = entries.get(0).value();
      entries.get(0).remove();
      entries.get(1).setValue(value);
      return null;
    });
    // MSETNX of two fresh keys
    c.computeAll(java.util.List.of(b("x"), b("y")), entries -> {
      entries.get(0).setValue(b("1"));
      entries.get(1).setValue(b("2"), clock.millis() + 60_000);
      return null;
    });

    Cache r = open(aof(FsyncPolicy.ALWAYS, true)).defaultCache();
    assertThat(r.get(b("from"))).isNull();
    assertThat(s(r.get(b("to")))).isEqualTo("token");
    assertThat(s(r.get(b("x")))).isEqualTo("1");
    assertThat(r.expireAt(b("y"))).isEqualTo(clock.millis() + 60_000);
    assertThat(r.size()).isEqualTo(3);
  }

  @Test
  void purgeIsLoggedAndPurgedKeysNeverComeBack() throws IOException {
    Cache c = open(aof(FsyncPolicy.EVERYSEC, true)).defaultCache();
    for (int i = 0; i < 100; i++) {
      c.put(b("k" + i), b("v" + i));
    }
    c.purge();
    c.put(b("after"), b("1"));

    Cache r = open(aof(FsyncPolicy.EVERYSEC, true)).defaultCache();
    assertThat(r.size()).isEqualTo(1);
    assertThat(s(r.get(b("after")))).isEqualTo("1");
  }

  @Test
  void keysThatExpiredWhileTheNodeWasDownNeverComeBack() throws IOException {
    Cache c = open(aof(FsyncPolicy.ALWAYS, true)).defaultCache();
    c.put(b("short"), b("1"), clock.millis() + 1_000);
    c.put(b("snap-short"), b("1"), clock.millis() + 1_000);
    c.put(b("long"), b("2"), clock.millis() + 100_000);
    persistence.save();
    c.put(b("log-short"), b("3"), clock.millis() + 1_000);
    persistence.close();
    persistence = null;
    clock.advance(Duration.ofSeconds(5));

    Cache r = open(aof(FsyncPolicy.ALWAYS, true)).defaultCache();
    assertThat(r.get(b("short"))).isNull();
    assertThat(r.get(b("snap-short"))).isNull();
    assertThat(r.get(b("log-short"))).isNull();
    assertThat(s(r.get(b("long")))).isEqualTo("2");
    assertThat(r.size()).isEqualTo(1);
  }

  @Test
  void snapshotThenLogTailRestoresTheLatestValues() throws IOException {
    Cache c = open(aof(FsyncPolicy.EVERYSEC, true)).defaultCache();
    for (int i = 0; i < 1000; i++) {
      c.put(b("k" + i), b("old" + i));
    }
    persistence.save();
    for (int i = 0; i < 1000; i += 2) {
      c.put(b("k" + i), b("new" + i));
    }
    c.remove(b("k1"));

    Cache r = open(aof(FsyncPolicy.EVERYSEC, true)).defaultCache();
    assertThat(r.size()).isEqualTo(999);
    assertThat(s(r.get(b("k0")))).isEqualTo("new0");
    assertThat(s(r.get(b("k3")))).isEqualTo("old3");
    assertThat(r.get(b("k1"))).isNull();
  }

  @Test
  void snapshotsTakenWhileWritersRunLoseNoWrite() throws Exception {
    Cache c = open(aof(FsyncPolicy.NO, true)).defaultCache();
    for (int i = 0; i < 20_000; i++) {
      c.put(b("k" + i), b("v0"));
    }
    AtomicBoolean stop = new AtomicBoolean();
    Map<String, String> last = new java.util.concurrent.ConcurrentHashMap<>();
    Thread[] writers = new Thread[2];
    for (int t = 0; t < writers.length; t++) {
      int id = t;
      writers[t] = new Thread(() -> {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        long round = 0;
        while (!stop.get() && round < 2_000_000) {
          // Each writer owns the keys with its parity, so its last write per key is the truth.
          int k = rnd.nextInt(10_000) * 2 + id;
          String v = "v" + id + "-" + (++round);
          c.put(b("k" + k), b(v));
          last.put("k" + k, v);
        }
      });
      writers[t].start();
    }
    for (int i = 0; i < 3; i++) {
      persistence.save();
    }
    stop.set(true);
    for (Thread w : writers) {
      w.join(30_000);
    }

    Cache r = open(aof(FsyncPolicy.NO, true)).defaultCache();
    assertThat(r.size()).isEqualTo(20_000);
    for (Map.Entry<String, String> e : last.entrySet()) {
      assertThat(s(r.get(b(e.getKey())))).as(e.getKey()).isEqualTo(e.getValue());
    }
    assertThat(SnapshotFile.list(cacheDir())).hasSize(2);
  }

  @Test
  void aTruncatedLogTailIsCutOffAndTheRestLoads() throws IOException {
    Path seg = tenKeysInTheLog();
    long size = Files.size(seg);
    truncate(seg, size - 3);

    Cache r = open(aof(FsyncPolicy.ALWAYS, true)).defaultCache();
    assertThat(r.size()).isEqualTo(9);
    assertThat(r.get(b("k9"))).isNull();
    assertThat(s(r.get(b("k8")))).isEqualTo("v8");
    assertThat(Files.size(seg)).isLessThan(size - 3);
    // The cut log is whole again: a second restart loads the same and appends after it.
    r.put(b("k9"), b("again"));
    Cache again = open(aof(FsyncPolicy.ALWAYS, true)).defaultCache();
    assertThat(again.size()).isEqualTo(10);
    assertThat(s(again.get(b("k9")))).isEqualTo("again");
  }

  @Test
  void aBitFlipInTheLogStopsReplayThereAndSetsLaterSegmentsAside() throws IOException {
    Path seg = tenKeysInTheLog();
    flipBit(seg, Files.size(seg) - 20);

    Cache r = open(aof(FsyncPolicy.ALWAYS, true)).defaultCache();
    assertThat(r.size()).isEqualTo(9);
    assertThat(r.get(b("k9"))).isNull();
  }

  @Test
  void aDamagedLogRefusesToStartWhenAskedTo() throws IOException {
    Cache c = open(aof(FsyncPolicy.ALWAYS, false)).defaultCache();
    c.put(b("a"), b("1"));
    c.put(b("b"), b("2"));
    persistence.close();
    persistence = null;
    Path seg = AppendLog.segments(cacheDir()).getLast();
    flipBit(seg, Files.size(seg) - 5);

    assertThatThrownBy(() -> open(aof(FsyncPolicy.ALWAYS, false)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("damaged")
        .hasMessageContaining("--aof-load-truncated yes");
  }

  @Test
  void aDamagedNewestSnapshotFallsBackToThePreviousOneAndTheLog() throws IOException {
    Cache c = open(aof(FsyncPolicy.EVERYSEC, true)).defaultCache();
    for (int i = 0; i < 500; i++) {
      c.put(b("k" + i), b("first" + i));
    }
    persistence.save();
    for (int i = 0; i < 500; i++) {
      c.put(b("k" + i), b("second" + i));
    }
    persistence.save();
    c.put(b("tail"), b("t"));
    persistence.close();
    persistence = null;
    List<Path> snaps = SnapshotFile.list(cacheDir());
    assertThat(snaps).hasSize(2);
    flipBit(snaps.getFirst(), Files.size(snaps.getFirst()) / 2);

    Cache r = open(aof(FsyncPolicy.EVERYSEC, true)).defaultCache();
    assertThat(r.size()).isEqualTo(501);
    assertThat(s(r.get(b("k7")))).isEqualTo("second7");
    assertThat(s(r.get(b("tail")))).isEqualTo("t");
  }

  @Test
  void aTruncatedSnapshotIsNeverLoadedHalfway() throws IOException {
    PersistenceConfig snapshots = PersistenceConfig.snapshotsOnly(dir, Duration.ofHours(1));
    Cache c = open(snapshots).defaultCache();
    for (int i = 0; i < 300; i++) {
      c.put(b("k" + i), b("v" + i));
    }
    persistence.save();
    persistence.close();
    persistence = null;
    Path snap = SnapshotFile.list(cacheDir()).getFirst();
    truncate(snap, Files.size(snap) - 10);

    Cache r = open(snapshots).defaultCache();
    assertThat(r.size()).isZero();
  }

  @Test
  void packedPutsAreLoggedWithTheirKeyValueAndExpiry() throws IOException {
    Cache c = open(aof(FsyncPolicy.ALWAYS, true)).defaultCache();
    byte[] longKey = b("k".repeat(300));
    c.putPacked(PackedKeyValue.pack(b("a"), b("1")), Cache.DEFAULT_TTL);
    c.putPacked(PackedKeyValue.pack(b("b"), b("2")), clock.millis() + 60_000);
    c.putPacked(PackedKeyValue.pack(longKey, b("long")), Cache.NO_EXPIRY);
    c.put(b("gone"), b("x"));
    c.putPacked(PackedKeyValue.pack(b("gone"), b("y")), clock.millis() - 1);

    Cache r = open(aof(FsyncPolicy.ALWAYS, true)).defaultCache();
    assertThat(s(r.get(b("a")))).isEqualTo("1");
    assertThat(r.expireAt(b("a"))).isEqualTo(Cache.NO_EXPIRY);
    assertThat(s(r.get(b("b")))).isEqualTo("2");
    assertThat(r.expireAt(b("b"))).isEqualTo(clock.millis() + 60_000);
    assertThat(s(r.get(longKey))).isEqualTo("long");
    assertThat(r.get(b("gone"))).isNull();
    assertThat(r.size()).isEqualTo(3);
  }

  @Test
  void packedPutsWithoutALogReachTheSnapshot() throws IOException {
    PersistenceConfig snapshots = PersistenceConfig.snapshotsOnly(dir, Duration.ofHours(1));
    Cache c = open(snapshots).defaultCache();
    c.putPacked(PackedKeyValue.pack(b("packed"), b("1")), clock.millis() + 60_000);

    Cache r = open(snapshots).defaultCache();
    assertThat(s(r.get(b("packed")))).isEqualTo("1");
    assertThat(r.expireAt(b("packed"))).isEqualTo(clock.millis() + 60_000);
  }

  @Test
  void snapshotsAloneRestoreTheDataAndAShutdownSnapshotCatchesTheRest() throws IOException {
    PersistenceConfig snapshots = PersistenceConfig.snapshotsOnly(dir, Duration.ofHours(1));
    Cache c = open(snapshots).defaultCache();
    c.put(b("saved"), b("1"));
    persistence.save();
    c.put(b("at-shutdown"), b("2"));

    Cache r = open(snapshots).defaultCache();
    assertThat(s(r.get(b("saved")))).isEqualTo("1");
    assertThat(s(r.get(b("at-shutdown")))).isEqualTo("2");
  }

  @Test
  void namedCachesComeBackWithTheirSettingsAndDroppedOnesDoNot() throws IOException {
    CacheManager m = open(aof(FsyncPolicy.ALWAYS, true));
    m.create("sessions", CacheConfig.parse("policy=lru,maxmemory=8mb"));
    m.create("tmp", CacheConfig.defaults());
    m.get("sessions").put(b("s1"), b("alice"));
    m.get("tmp").put(b("t"), b("1"));
    m.drop("tmp");

    CacheManager r = open(aof(FsyncPolicy.ALWAYS, true));
    assertThat(r.names()).containsExactly("default", "sessions");
    assertThat(s(r.get("sessions").get(b("s1")))).isEqualTo("alice");
    assertThat(r.get("sessions").config().maxMemory()).isEqualTo(8L << 20);
    assertThat(Files.exists(dir.resolve("tmp"))).isFalse();
  }

  @Test
  void aRewriteKeepsTheLogBoundedAndLosesNothing() throws IOException {
    Cache c = open(aof(FsyncPolicy.NO, true)).defaultCache();
    for (int round = 0; round < 5; round++) {
      for (int i = 0; i < 200; i++) {
        c.put(b("k" + i), b("r" + round));
      }
      persistence.save();
    }
    assertThat(AppendLog.segments(cacheDir()).size()).isLessThanOrEqualTo(2);
    assertThat(SnapshotFile.list(cacheDir())).hasSize(2);

    Cache r = open(aof(FsyncPolicy.NO, true)).defaultCache();
    assertThat(r.size()).isEqualTo(200);
    assertThat(s(r.get(b("k5")))).isEqualTo("r4");
  }

  @Test
  void alwaysTicketsBecomeDurableAfterTheWritersNextCycle() throws Exception {
    Cache c = open(aof(FsyncPolicy.ALWAYS, true)).defaultCache();
    CommitGate gate = persistence.commitGate();
    assertThat(gate.takeTicket()).isZero();
    c.put(b("a"), b("1"));
    long ticket = gate.takeTicket();
    assertThat(ticket).isPositive();
    assertThat(gate.takeTicket()).isZero();
    java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
    gate.whenDurable(ticket, done::countDown);
    assertThat(done.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(gate.isDurable(ticket)).isTrue();
  }

  /** Logs k0..k9 under {@code always}, stops the node and returns the log segment. */
  private Path tenKeysInTheLog() throws IOException {
    Cache c = open(aof(FsyncPolicy.ALWAYS, true)).defaultCache();
    for (int i = 0; i < 10; i++) {
      c.put(b("k" + i), b("v" + i));
    }
    persistence.close();
    persistence = null;
    return AppendLog.segments(cacheDir()).getLast();
  }

  static void truncate(Path file, long size) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(size);
    }
  }

  static void flipBit(Path file, long offset) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    bytes[(int) offset] ^= 0x10;
    Files.write(file, bytes);
  }
}
