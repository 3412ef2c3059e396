package io.tiercel.jdbc;

import static io.tiercel.jdbc.StoreFixture.b;
import static io.tiercel.jdbc.StoreFixture.s;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tiercel.core.CacheConfig;
import io.tiercel.core.Clock;
import io.tiercel.core.backing.BackedCache;
import io.tiercel.core.backing.BackingStoreException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * MariaDB goes down under write-behind load: hits keep being served, writes keep being queued and
 * acknowledged, a miss fails clearly; when the server is back on the same data directory and port
 * the queue catches up and every acknowledged write is in the database.
 */
class MariaDbOutageTest {

  @Test
  void writeBehindKeepsServingDuringAnOutageAndCatchesUpAfterIt() throws Exception {
    MariaDbTestServer db = MariaDbTestServer.shared();
    String url = db.url();
    String table = Databases.freshTable();
    try (BackedCache c = StoreFixture.open("c", "store=" + url + ",mode=write-behind,table="
        + table + ",flush-interval=20ms,retry-min=20ms,retry-max=200ms", CacheConfig.defaults(),
        new JdbcBackingStore(url, table, "k", "v", 4), StoreFixture.journalPath(),
        Clock.system())) {
      ExecutorService writers = Executors.newFixedThreadPool(4);
      try {
        for (int i = 0; i < 200; i++) {
          c.put(b("k" + i), b("before"));
        }
        assertThat(c.flush(false, 30_000)).isTrue();
        db.stop();
        Future<?>[] load = new Future<?>[4];
        for (int w = 0; w < 4; w++) {
          int writer = w;
          load[w] = writers.submit(() -> {
            for (int i = writer; i < 400; i += 4) {
              c.put(b("k" + i), b("during-" + i));
            }
          });
        }
        for (int i = 0; i < 200; i++) {
          assertThat(c.get(b("k" + i))).as("hits are served while the database is down")
              .isNotNull();
        }
        for (Future<?> f : load) {
          f.get(60, TimeUnit.SECONDS);
        }
        assertThatThrownBy(() -> c.get(b("never-written")))
            .isInstanceOf(BackingStoreException.class).hasMessageContaining("cannot load");
        assertThat(c.flush(false, 500)).as("cannot flush while down").isFalse();
        assertThat(c.storeStats().pendingWrites()).isEqualTo(400);
        assertThat(c.storeStats().flushFailures()).isPositive();
      } finally {
        db.start();
        writers.shutdownNow();
      }
      boolean caughtUp = false;
      for (int attempt = 0; attempt < 20 && !caughtUp; attempt++) {
        caughtUp = c.flush(false, 10_000);
      }
      assertThat(caughtUp).as("catches up once the database is back").isTrue();
      assertThat(c.storeStats().pendingWrites()).isZero();
    }
    assertThat(Databases.count(url, table)).isEqualTo(400);
    for (int i = 0; i < 400; i++) {
      assertThat(s(Databases.select(url, table, b("k" + i)))).isEqualTo("during-" + i);
    }
  }
}
