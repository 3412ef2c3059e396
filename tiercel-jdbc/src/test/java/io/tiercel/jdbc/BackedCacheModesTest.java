package io.tiercel.jdbc;

import static io.tiercel.jdbc.StoreFixture.b;
import static io.tiercel.jdbc.StoreFixture.s;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tiercel.core.CacheConfig;
import io.tiercel.core.ManualClock;
import io.tiercel.core.backing.BackedCache;
import io.tiercel.core.backing.BackingStoreException;
import io.tiercel.core.backing.SlotRangeStore;
import io.tiercel.core.backing.StoreStats;
import io.tiercel.core.backing.WriteQueueFullException;
import io.tiercel.core.KeySlot;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Each mode's semantics over real databases: SQLite in process and a MariaDB server. */
class BackedCacheModesTest {
  private final ManualClock clock = new ManualClock();

  private BackedCache open(String url, String table, String spec, Path journal) {
    return StoreFixture.open("c", spec + ",table=" + table, CacheConfig.defaults(),
        new CountingStore(new JdbcBackingStore(url, table, "k", "v", 4)), journal, clock);
  }

  @ParameterizedTest
  @EnumSource(Databases.class)
  void readThroughLoadsMissesAndKeepsWritesInTheCache(Databases db) {
    String url = db.url();
    String table = Databases.freshTable();
    Databases.insert(url, table, b("a"), b("from-db"));
    try (BackedCache c = open(url, table, "store=" + url + ",mode=read-through", null)) {
      assertThat(s(c.get(b("a")))).isEqualTo("from-db");
      assertThat(c.inner().containsKey(b("a"))).isTrue();
      assertThat(c.get(b("missing"))).isNull();
      c.put(b("a"), b("cached-only"));
      assertThat(s(c.get(b("a")))).isEqualTo("cached-only");
    }
    assertThat(s(Databases.select(url, table, b("a")))).isEqualTo("from-db");
  }

  @ParameterizedTest
  @EnumSource(Databases.class)
  void writeThroughStoresBeforeReturningAndDeletesRows(Databases db) {
    String url = db.url();
    String table = Databases.freshTable();
    try (BackedCache c = open(url, table, "store=" + url + ",mode=write-through", null)) {
      c.put(b("a"), b("1"));
      assertThat(s(Databases.select(url, table, b("a")))).isEqualTo("1");
      c.compute(b("a"), e -> {
        e.setValue(b(s(e.value()) + "2"));
        return null;
      });
      assertThat(s(Databases.select(url, table, b("a")))).isEqualTo("12");
      Databases.insert(url, table, b("only-db"), b("x"));
      assertThat(c.remove(b("only-db"))).as("DEL of a key only the database has").isTrue();
      assertThat(Databases.select(url, table, b("only-db"))).isNull();
      assertThat(c.storeStats().writesThrough()).isEqualTo(3);
    }
  }

  @ParameterizedTest
  @EnumSource(Databases.class)
  void multiKeyWriteOfOneSlotReachesTheStoreAndOneAcrossSlotsIsRefused(Databases db) {
    String url = db.url();
    String table = Databases.freshTable();
    Databases.insert(url, table, b("{u1}from"), b("token"));
    try (BackedCache c = open(url, table, "store=" + url + ",mode=write-through", null)) {
      // RENAME {u1}from {u1}to: the source is loaded from the database, both rows change
      c.computeAll(java.util.List.of(b("{u1}from"), b("{u1}to")), entries -> {
        byte[] value = entries.get(0).value();
        entries.get(0).remove();
        entries.get(1).setValue(value);
        return null;
      });
      assertThat(Databases.select(url, table, b("{u1}from"))).isNull();
      assertThat(s(Databases.select(url, table, b("{u1}to")))).isEqualTo("token");

      java.util.List<byte[]> crossSlot = java.util.List.of(b("a"), b("b"));
      assertThatThrownBy(() -> c.computeAll(crossSlot, entries -> null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("CROSSSLOT");
    }
  }

  @ParameterizedTest
  @EnumSource(Databases.class)
  void writeBehindCoalescesWritesOfOneKeyIntoOneRowInOneStatement(Databases db) {
    String url = db.url();
    String table = Databases.freshTable();
    try (BackedCache c = open(url, table,
        "store=" + url + ",mode=write-behind,flush-interval=1h,batch-size=1000", journal())) {
      c.put(b("warm"), b("0"));
      assertThat(c.flush(false, 30_000)).isTrue();
      long before = c.store().statements();
      for (int i = 0; i < 100; i++) {
        c.put(b("hot"), b("v" + i));
      }
      for (int i = 0; i < 10; i++) {
        c.put(b("k" + i), b("w" + i));
      }
      assertThat(Databases.select(url, table, b("hot"))).as("not flushed yet").isNull();
      assertThat(s(c.get(b("hot")))).isEqualTo("v99");
      assertThat(c.flush(false, 30_000)).isTrue();
      StoreStats st = c.storeStats();
      assertThat(c.store().statements() - before).isEqualTo(1);
      assertThat(st.coalesced()).isEqualTo(99);
      assertThat(st.pendingWrites()).isZero();
      assertThat(st.journalBytes()).as("journal truncated after the flush").isZero();
    }
    assertThat(s(Databases.select(url, table, b("hot")))).isEqualTo("v99");
    assertThat(Databases.count(url, table)).isEqualTo(12);
  }

  @ParameterizedTest
  @EnumSource(Databases.class)
  void writeBehindFlushesWhenTheIntervalPasses(Databases db) throws Exception {
    String url = db.url();
    String table = Databases.freshTable();
    try (BackedCache c = open(url, table,
        "store=" + url + ",mode=write-behind,flush-interval=5s", journal())) {
      c.put(b("a"), b("1"));
      clock.advance(java.time.Duration.ofSeconds(5));
      awaitRows(url, table, 1);
      // The rows commit before the writer counts its batch; flush waits for that batch to end.
      assertThat(c.flush(false, 30_000)).isTrue();
      assertThat(c.storeStats().flushes()).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @EnumSource(Databases.class)
  void writeBackStoresAnEntryOnlyWhenItIsEvicted(Databases db) {
    String url = db.url();
    String table = Databases.freshTable();
    // LRU: the test is about write-back, not about which entry a policy keeps
    CacheConfig small = CacheConfig.builder()
        .policy(io.tiercel.core.EvictionPolicyKind.LRU).maxMemory(64 << 10).build();
    BackedCache c = StoreFixture.open("c", "store=" + url + ",mode=write-back,flush-interval=1ms,"
        + "table=" + table, small, new JdbcBackingStore(url, table, "k", "v", 2), journal(),
        clock);
    try {
      c.put(b("first"), new byte[1000]);
      clock.advance(java.time.Duration.ofSeconds(1));
      assertThat(c.flush(false, 30_000)).isTrue();
      assertThat(Databases.select(url, table, b("first"))).as("dirty but resident").isNull();
      for (int i = 0; i < 200 && c.inner().containsKey(b("first")); i++) {
        c.put(b("filler" + i), new byte[1000]);
        c.cleanUp();
      }
      assertThat(c.inner().containsKey(b("first"))).as("evicted").isFalse();
      assertThat(c.flush(false, 30_000)).isTrue();
      assertThat(Databases.select(url, table, b("first"))).hasSize(1000);
      assertThat(c.get(b("first"))).as("read back through the database").hasSize(1000);
    } finally {
      c.close();
    }
    assertThat(Databases.count(url, table)).as("close writes every dirty entry")
        .isGreaterThan(50);
  }

  @ParameterizedTest
  @EnumSource(Databases.class)
  void cacheAsideNeverTouchesTheDatabase(Databases db) {
    String url = db.url();
    String table = Databases.freshTable();
    Databases.insert(url, table, b("a"), b("db"));
    CountingStore store = new CountingStore(new JdbcBackingStore(url, table, "k", "v", 1));
    try (BackedCache c = StoreFixture.open("c", "store=" + url + ",mode=cache-aside",
        CacheConfig.defaults(), store, null, clock)) {
      assertThat(c.get(b("a"))).isNull();
      c.put(b("b"), b("1"));
      assertThat(store.loads).hasValue(0);
    }
    assertThat(Databases.count(url, table)).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(Databases.class)
  void fiftyConcurrentMissesOnOneKeyCauseOneLoad(Databases db) throws Exception {
    String url = db.url();
    String table = Databases.freshTable();
    Databases.insert(url, table, b("hot"), b("v"));
    CountingStore store = new CountingStore(new JdbcBackingStore(url, table, "k", "v", 4));
    try (BackedCache c = StoreFixture.open("c", "store=" + url + ",mode=read-through",
        CacheConfig.defaults(), store, null, clock)) {
      for (String key : List.of("hot", "absent")) {
        store.loads.set(0);
        CountDownLatch gate = new CountDownLatch(1);
        c.submit(b(key), () -> gate.await(30, TimeUnit.SECONDS));
        List<CompletableFuture<byte[]>> gets = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
          gets.add(c.submit(b(key), () -> c.get(b(key))));
        }
        gate.countDown();
        for (CompletableFuture<byte[]> g : gets) {
          assertThat(s(g.get(30, TimeUnit.SECONDS))).isEqualTo(key.equals("hot") ? "v" : null);
        }
        assertThat(store.loads).as("loads for 50 misses on '%s'", key).hasValue(1);
      }
    }
  }

  @Test
  void oneKeysOperationsRunInSubmissionOrderAndReadsSeeEarlierWrites() throws Exception {
    String url = Databases.SQLITE.url();
    String table = Databases.freshTable();
    try (BackedCache c = open(url, table, "store=" + url + ",mode=write-through,lanes=4", null)) {
      List<Integer> order = Collections.synchronizedList(new ArrayList<>());
      List<CompletableFuture<?>> all = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        int n = i;
        all.add(c.submit(b("k"), () -> {
          order.add(n);
          c.put(b("k"), b(Integer.toString(n)));
          return s(c.get(b("k")));
        }));
      }
      for (int i = 0; i < all.size(); i++) {
        assertThat(all.get(i).get(30, TimeUnit.SECONDS)).isEqualTo(Integer.toString(i));
      }
      List<Integer> expected = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        expected.add(i);
      }
      assertThat(order).isEqualTo(expected);
      // From another thread, a read after a write returns it.
      c.put(b("x"), b("1"));
      assertThat(s(c.get(b("x")))).isEqualTo("1");
      assertThat(s(Databases.select(url, table, b("k")))).isEqualTo("199");
    }
  }

  @Test
  void writeBehindJournalIsReplayedAndFlushedAfterACrash() {
    String url = Databases.SQLITE.url();
    String table = Databases.freshTable();
    Path journal = journal();
    BackedCache crashed = open(url, table,
        "store=" + url + ",mode=write-behind,flush-interval=1h,batch-size=100000", journal);
    for (int i = 0; i < 500; i++) {
      crashed.put(b("k" + (i % 300)), b("v" + i));
    }
    crashed.remove(b("k0"));
    assertThat(Databases.count(url, table)).isZero();
    // The first instance is abandoned unflushed, as a killed process would be.
    try (BackedCache restarted = open(url, table, "store=" + url + ",mode=write-behind", journal)) {
      assertThat(restarted.flush(false, 30_000)).isTrue();
    }
    assertThat(Databases.count(url, table)).isEqualTo(299);
    assertThat(s(Databases.select(url, table, b("k299")))).isEqualTo("v299");
    assertThat(s(Databases.select(url, table, b("k1")))).isEqualTo("v301");
  }

  @Test
  void fullQueueRejectsNewKeysWhenTheDatabaseIsDown() throws Exception {
    String dead = "jdbc:mariadb://127.0.0.1:" + MariaDbTestServer.freePort() + "/tiercel?user=root";
    try (BackedCache c = open(dead, "t", "store=" + dead
        + ",mode=write-behind,queue-bound=5,on-full=error,retry-min=10s,retry-max=10s",
        journal())) {
      for (int i = 0; i < 5; i++) {
        c.put(b("k" + i), b("v"));
      }
      c.put(b("k1"), b("coalesced into a pending key"));
      assertThatThrownBy(() -> c.put(b("k5"), b("v"))).isInstanceOf(WriteQueueFullException.class)
          .hasMessageContaining("full");
      assertThat(c.inner().containsKey(b("k5"))).as("a refused write changes nothing").isFalse();
      assertThat(s(c.get(b("k1")))).as("hits are served").isEqualTo("coalesced into a pending key");
      assertThat(c.storeStats().rejected()).isEqualTo(1);
    }
  }

  @Test
  void databaseDownMakesWriteThroughAndReadThroughMissesFailClearly() throws Exception {
    String dead = "jdbc:mariadb://127.0.0.1:" + MariaDbTestServer.freePort() + "/tiercel?user=root";
    try (BackedCache c = open(dead, "t", "store=" + dead + ",mode=write-through", null)) {
      c.inner().put(b("cached"), b("1"));
      assertThatThrownBy(() -> c.put(b("cached"), b("2")))
          .isInstanceOf(BackingStoreException.class);
      assertThat(s(c.get(b("cached")))).as("unchanged after the failed write").isEqualTo("1");
      assertThatThrownBy(() -> c.get(b("miss"))).isInstanceOf(BackingStoreException.class)
          .hasMessageContaining("cannot load");
      assertThat(c.storeStats().loadErrors()).isEqualTo(1);
      assertThat(c.storeStats().writeErrors()).isEqualTo(1);
    }
  }

  @Test
  void slotRangeShardsSendEachKeyToItsOwnDatabase() {
    String low = Databases.SQLITE.url();
    String high = Databases.SQLITE.url();
    String table = Databases.freshTable();
    SlotRangeStore sharded = new SlotRangeStore(List.of(
        new SlotRangeStore.Shard(0, 8191, new JdbcBackingStore(low, table, "k", "v", 1)),
        new SlotRangeStore.Shard(8192, 16383, new JdbcBackingStore(high, table, "k", "v", 1))));
    try (BackedCache c = StoreFixture.open("c", "store=shards,mode=write-behind,table=" + table,
        CacheConfig.defaults(), sharded, journal(), clock)) {
      for (int i = 0; i < 100; i++) {
        c.put(b("key" + i), b("v" + i));
      }
      assertThat(c.flush(false, 30_000)).isTrue();
    }
    for (int i = 0; i < 100; i++) {
      byte[] key = b("key" + i);
      boolean isLow = KeySlot.of(key) < 8192;
      assertThat(Databases.select(isLow ? low : high, table, key)).isEqualTo(b("v" + i));
      assertThat(Databases.select(isLow ? high : low, table, key)).isNull();
    }
  }

  private static Path journal() {
    return StoreFixture.journalPath();
  }

  /**
   * Waits (at most 30 s of wall time) until {@code table} holds {@code rows} rows: the flusher
   * polls every 50 ms and its commit may wait for a loaded disk, so the bound is time, not a
   * number of queries (3,000 SQLite counts can pass in well under a second).
   */
  private static void awaitRows(String url, String table, int rows) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (Databases.count(url, table) < rows && System.nanoTime() < deadline) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
    assertThat(Databases.count(url, table)).isEqualTo(rows);
  }
}
