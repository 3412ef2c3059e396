package io.tiercel.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tiercel.core.Cache;
import io.tiercel.core.CacheConfig;
import io.tiercel.core.CacheManager;
import io.tiercel.core.FsyncPolicy;
import io.tiercel.core.ManualClock;
import io.tiercel.core.RemovalListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each cache is logged, forced and snapshotted as its own settings say. */
class PerCacheSettingsTest {
  @TempDir Path dir;
  private final ManualClock clock = new ManualClock(1_700_000_000_000L);
  private final StallableSync sync = new StallableSync();
  private Persistence persistence;

  @AfterEach
  void closeNode() {
    sync.release();
    if (persistence != null) {
      persistence.close();
    }
  }

  /** Opens a node whose defaults are: log off, no scheduled snapshots. */
  private CacheManager open() throws IOException {
    if (persistence != null) {
      persistence.close();
    }
    persistence = new Persistence(PersistenceConfig.snapshotsOnly(dir, Duration.ZERO), clock,
        sync);
    CacheManager caches = new CacheManager(CacheConfig.defaults(), clock, RemovalListener.none(),
        Runnable::run, persistence);
    persistence.recover(caches);
    return caches;
  }

  private Cache create(CacheManager m, String name, String settings) {
    return persistence.create(name, persistence.defaults().withSpec(settings),
        () -> m.create(name, CacheConfig.defaults()));
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void anAlwaysCacheHoldsItsWritersUntilTheFsyncWhileANeighbourWithNoDoesNotWait()
      throws Exception {
    CacheManager m = open();
    Cache safe = create(m, "safe", "appendonly=yes,appendfsync=always");
    Cache fast = create(m, "fast", "appendonly=yes,appendfsync=no");
    CommitGate gate = persistence.commitGate();
    sync.stall();

    fast.put(b("f"), b("1"));
    assertThat(gate.takeTicket()).as("a write to an appendfsync=no cache waits for nothing")
        .isZero();

    safe.put(b("s"), b("1"));
    long ticket = gate.takeTicket();
    assertThat(ticket).isPositive();
    CountDownLatch durable = new CountDownLatch(1);
    gate.whenDurable(ticket, durable::countDown);
    assertThat(StallableSync.await(() -> sync.held() > 0)).as("the writer is in fsync").isTrue();
    assertThat(gate.isDurable(ticket)).as("not durable while the fsync is held").isFalse();
    assertThat(durable.getCount()).isOne();

    sync.release();
    assertThat(durable.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(gate.isDurable(ticket)).isTrue();
  }

  @Test
  void aCacheWithAppendonlyNoIsNotLoggedAndItsNeighbourIs() throws IOException {
    CacheManager m = open();
    create(m, "logged", "appendonly=yes,appendfsync=everysec");
    create(m, "volatile", "appendonly=no");
    m.get("logged").put(b("k"), b("v"));
    m.get("volatile").put(b("k"), b("v"));
    assertThat(AppendLog.segments(dir.resolve("logged"))).isNotEmpty();
    assertThat(AppendLog.segments(dir.resolve("volatile"))).isEmpty();

    CacheManager r = open();
    assertThat(r.names()).containsExactly("default", "logged", "volatile");
    assertThat(r.get("logged").get(b("k"))).isEqualTo(b("v"));
    assertThat(r.get("volatile").get(b("k"))).as("neither logged nor snapshotted").isNull();
    assertThat(persistence.settings("volatile").appendOnly()).isFalse();
    assertThat(persistence.settings("logged").fsync()).isEqualTo(FsyncPolicy.EVERYSEC);
    assertThat(persistence.info()).containsEntry("aof_enabled", "1")
        .containsEntry("cache_logged_persistence",
            "appendonly=yes,appendfsync=everysec,snapshot_interval=0s,aof_size="
                + persistence.describe("logged").get("aof-size")
                + ",last_snapshot_size=0,changes_since_save=0");
  }

  @Test
  void eachCacheIsSnapshottedOnItsOwnInterval() throws IOException {
    CacheManager m = open();
    create(m, "every30s", "snapshot-interval=30s");
    create(m, "never", "snapshot-interval=0");
    m.get("every30s").put(b("k"), b("v"));
    m.get("never").put(b("k"), b("v"));

    clock.advance(Duration.ofSeconds(29));
    persistence.tick();
    assertThat(SnapshotFile.list(dir.resolve("every30s"))).isEmpty();
    clock.advance(Duration.ofSeconds(2));
    persistence.tick();
    assertThat(SnapshotFile.list(dir.resolve("every30s"))).hasSize(1);
    assertThat(SnapshotFile.list(dir.resolve("never"))).isEmpty();
    assertThat(SnapshotFile.list(dir.resolve("default"))).as("the node's default is 0").isEmpty();

    CacheManager r = open();
    assertThat(r.get("every30s").get(b("k"))).isEqualTo(b("v"));
    assertThat(r.get("never").get(b("k"))).isNull();
    assertThat(persistence.describe("every30s")).containsEntry("snapshot-interval", "30s");
  }

  @Test
  void badSettingsAreRefusedWithTheOptionNamed() {
    CacheSettings d = new CacheSettings(false, FsyncPolicy.EVERYSEC, Duration.ZERO);
    assertThatThrownBy(() -> d.with(Map.of("appendonly", "maybe")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("appendonly");
    assertThatThrownBy(() -> d.with(Map.of("appendfsync", "sometimes")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("appendfsync");
    assertThatThrownBy(() -> d.with(Map.of("snapshot-interval", "soon")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("snapshot-interval");
    assertThat(d.with(Map.of("APPENDONLY", "yes", "snapshot_interval", "2m")))
        .isEqualTo(new CacheSettings(true, FsyncPolicy.EVERYSEC, Duration.ofMinutes(2)));
    assertThat(d.withSpec(d.with(Map.of("appendfsync", "always")).spec()).fsync())
        .isEqualTo(FsyncPolicy.ALWAYS);
  }
}
