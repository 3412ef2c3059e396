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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log writer's memory buffer is bounded: with the fsync held (an injected sync that waits),
 * writers wait for room instead of growing the heap, a write that waits too long is refused
 * before it changes anything, and nothing acknowledged is lost.
 */
class LogBufferBackPressureTest {
  private static final int LIMIT = 64 << 10;
  private static final int VALUE = 1024;

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

  private Cache open(Duration wait) throws IOException {
    if (persistence != null) {
      persistence.close();
    }
    PersistenceConfig config = PersistenceConfig.appendOnly(dir, FsyncPolicy.ALWAYS)
        .withBuffer(LIMIT, wait);
    persistence = new Persistence(config, clock, sync);
    CacheManager caches = new CacheManager(CacheConfig.defaults(), clock, RemovalListener.none(),
        Runnable::run, persistence);
    persistence.recover(caches);
    return caches.defaultCache();
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] value(int i) {
    byte[] v = new byte[VALUE];
    java.util.Arrays.fill(v, (byte) ('a' + i % 26));
    return v;
  }

  @Test
  void aWriterWaitsForTheDiskInsteadOfGrowingTheBufferAndLosesNothing() throws Exception {
    Cache c = open(Duration.ofMinutes(5));
    LogWriter writer = persistence.writer();
    sync.stall();
    int total = 4 * LIMIT / VALUE;
    AtomicInteger done = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread t = new Thread(() -> {
      try {
        for (int i = 0; i < total; i++) {
          c.put(b("k" + i), value(i));
          done.incrementAndGet();
        }
      } catch (Throwable e) {
        failure.set(e);
      }
    }, "writer");
    t.start();

    // Waits for the steady state: the log writer held in the fsync (so nothing drains) and the
    // appender waiting on a refilled buffer. Earlier, the appender may still count as waiting
    // just after the log writer wrote everything out (buffer empty) and woke it.
    assertThat(StallableSync.await(() -> sync.held() == 1 && writer.waitingForRoom() == 1
        && writer.bufferedBytes() > 0)).as("the writer waits for room").isTrue();
    assertThat(done.get()).isLessThan(total);
    long oneRecord = 8 + 1 + 8 + 4 + 6 + 4 + VALUE + 8;
    assertThat(writer.bufferedBytes()).as("the buffer stays within its limit plus one record")
        .isGreaterThan(LIMIT).isLessThanOrEqualTo(LIMIT + oneRecord);
    assertThat(persistence.info()).containsEntry("aof_buffer_limit", Integer.toString(LIMIT));

    sync.release();
    t.join(30_000);
    assertThat(t.isAlive()).isFalse();
    assertThat(failure.get()).isNull();
    assertThat(done.get()).isEqualTo(total);
    assertThat(writer.admitWaits()).isPositive();
    assertThat(writer.admitRefusals()).isZero();

    Cache r = open(Duration.ofMinutes(5));
    assertThat(r.size()).isEqualTo(total);
    for (int i = 0; i < total; i++) {
      assertThat(r.get(b("k" + i))).as("k" + i).isEqualTo(value(i));
    }
  }

  @Test
  void aWriteThatWaitsTooLongIsRefusedBeforeItChangesTheCache() throws Exception {
    Cache c = open(Duration.ofMillis(50));
    c.put(b("kept"), b("before"));
    sync.stall();
    List<String> acknowledged = new ArrayList<>();
    LogFullException refused = null;
    for (int i = 0; i < 8 * LIMIT / VALUE && refused == null; i++) {
      try {
        c.put(b("k" + i), value(i));
        acknowledged.add("k" + i);
      } catch (LogFullException e) {
        refused = e;
      }
    }
    assertThat(refused).as("a write is refused once the buffer stays full").isNotNull();
    assertThat(refused.getMessage()).contains("aof-buffer-limit");
    String refusedKey = "k" + acknowledged.size();
    assertThat(c.get(b(refusedKey))).as("the refused write changed nothing").isNull();
    assertThatThrownBy(() -> c.put(b("kept"), b("after"))).isInstanceOf(LogFullException.class);
    assertThat(c.get(b("kept"))).isEqualTo(b("before"));
    assertThat(persistence.writer().admitRefusals()).isGreaterThanOrEqualTo(2);

    sync.release();
    Cache r = open(Duration.ofMillis(50));
    for (String k : acknowledged) {
      assertThat(r.get(b(k))).as(k).isNotNull();
    }
    assertThat(r.get(b(refusedKey))).isNull();
    assertThat(r.get(b("kept"))).isEqualTo(b("before"));
  }
}
