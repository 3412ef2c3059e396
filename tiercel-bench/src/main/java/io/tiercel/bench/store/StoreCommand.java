package io.tiercel.bench.store;

import io.tiercel.bench.Args;
import io.tiercel.bench.jmh.Zipf;
import io.tiercel.core.CacheConfig;
import io.tiercel.core.Caches;
import io.tiercel.core.Clock;
import io.tiercel.core.RemovalListener;
import io.tiercel.core.backing.BackedCache;
import io.tiercel.core.backing.FileWriteJournal;
import io.tiercel.core.backing.StoreOptions;
import io.tiercel.core.backing.WriteJournal;
import io.tiercel.jdbc.JdbcBackingStore;
import io.tiercel.jdbc.MariaDbTestServer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code tiercel bench store}: the same closed-loop write load (Zipf keys) through a write-through
 * and a write-behind cache over MariaDB, then 50 clients missing on the same hot keys of a
 * read-through cache.
 *
 * <p>Reports client writes per second, the ratio, and statements per client write counted twice:
 * by the store and by MariaDB itself ({@code Com_insert} of {@code SHOW GLOBAL STATUS}); for
 * read-through, database loads per distinct missed key ({@code Com_select}). Without {@code --url}
 * it starts a throwaway MariaDB through {@code dev-support/mariadb-test-server.sh}.
 *
 * <p>Run: {@code bin/tiercel bench store [--clients 50] [--writes 50000] [--keys 10000]}.
 */
public final class StoreCommand {
  /** The subcommand's flags. */
  public static final String USAGE =
      """
      [--url jdbc:mariadb://127.0.0.1:3306/db?user=u] (default: start a throwaway MariaDB)
      [--clients 50] [--writes 50000] [--keys 10000] [--value-size 100] [--lanes 16]
      [--max-seconds 60] [--hot-keys 100]
      [--fsync always|everysec|no] (the write-behind journal's policy; default everysec)""";

  private StoreCommand() {}

  /** Runs the benchmark; returns the exit status. */
  public static int run(String[] argv, PrintStream out, PrintStream err) {
    try {
      return runChecked(argv, out);
    } catch (IOException e) {
      err.println("tiercel bench store: " + e.getMessage());
      return 1;
    }
  }

  private static int runChecked(String[] argv, PrintStream out) throws IOException {
    Args a = Args.parse(argv, Set.of("url", "clients", "writes", "keys", "value-size", "lanes",
        "max-seconds", "hot-keys", "fsync"), Set.of());
    int clients = a.positiveInt("clients", 50);
    int writes = a.positiveInt("writes", 50_000);
    int keys = a.positiveInt("keys", 10_000);
    int valueSize = a.positiveInt("value-size", 100);
    int lanes = a.positiveInt("lanes", 16);
    long maxNanos = a.positiveLong("max-seconds", 60) * 1_000_000_000L;
    int hotKeys = a.positiveInt("hot-keys", 100);
    String fsync = io.tiercel.core.FsyncPolicy.parse("fsync", a.get("fsync", "everysec"))
        .configName();
    MariaDbTestServer started = null;
    String url = a.get("url", null);
    if (url == null) {
      started = MariaDbTestServer.shared(Files.createTempDirectory("tiercel-bench-store"));
      url = started.url();
    }
    try {
      int[] draws = Zipf.draw(keys, writes, 42);
      out.printf(Locale.ROOT, "store bench: MariaDB %s, %d clients, %d writes over %d keys"
          + " (Zipf 0.99), %d-byte values, %d lanes, journal fsync=%s%n",
          StoreOptions.redact(url.split("\\?")[0]), clients, writes, keys, valueSize, lanes, fsync);
      Result through = writeLoad(url, "write-through", draws, clients, valueSize, lanes, fsync,
          maxNanos);
      Result behind = writeLoad(url, "write-behind", draws, clients, valueSize, lanes, fsync,
          maxNanos);
      for (Result r : List.of(through, behind)) {
        out.printf(Locale.ROOT, "%-13s writes=%d seconds=%.2f writes/s=%.0f drain_seconds=%.2f"
            + " statements/write=%.4f (store) %.4f (MariaDB Com_insert)%n", r.mode, r.writes,
            r.seconds, r.writes / r.seconds, r.drainSeconds, (double) r.statements / r.writes,
            (double) r.comInsert / r.writes);
      }
      out.printf(Locale.ROOT, "write-behind / write-through throughput: %.1fx%n",
          (behind.writes / behind.seconds) / (through.writes / through.seconds));
      readThrough(url, clients, hotKeys, lanes, out);
      return 0;
    } finally {
      if (started != null) {
        started.stop();
      }
    }
  }

  private record Result(String mode, long writes, double seconds, double drainSeconds,
      long statements, long comInsert) {}

  private static Result writeLoad(String url, String mode, int[] draws, int clients,
      int valueSize, int lanes, String fsync, long maxNanos) throws IOException {
    String table = "bench_" + mode.replace('-', '_') + "_" + ProcessHandle.current().pid();
    Path journal = Files.createTempDirectory("tiercel-bench-journal").resolve("j");
    StoreOptions options = StoreOptions.parse(Map.of("store", url, "mode", mode, "lanes",
        Integer.toString(lanes), "fsync", fsync, "table", table, "flush-interval", "100ms"));
    JdbcBackingStore store = new JdbcBackingStore(url, table, "k", "v", lanes + 2);
    store.storeAll(Map.of());
    store.delete(new byte[] {0});
    WriteJournal j = options.mode().queued()
        ? new FileWriteJournal(journal, options.fsync(), Clock.system()) : WriteJournal.none();
    BackedCache cache = BackedCache.open(mode, l -> Caches.create(mode, CacheConfig.defaults(),
        Clock.system(), l), RemovalListener.none(), store, j, options, Clock.system());
    byte[] value = new byte[valueSize];
    AtomicInteger next = new AtomicInteger();
    AtomicLong done = new AtomicLong();
    long statements0 = store.statements();
    long com0 = status(url, "Com_insert");
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    long[] began = new long[1];
    for (int c = 0; c < clients; c++) {
      Thread t = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          return;
        }
        int i;
        while ((i = next.getAndIncrement()) < draws.length
            && System.nanoTime() - began[0] < maxNanos) {
          cache.put(("key:" + draws[i]).getBytes(StandardCharsets.UTF_8), value);
          done.incrementAndGet();
        }
      });
      t.start();
      threads.add(t);
    }
    began[0] = System.nanoTime();
    start.countDown();
    for (Thread t : threads) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    long elapsed = System.nanoTime() - began[0];
    cache.flush(true, 120_000);
    long drained = System.nanoTime() - began[0];
    long statements = store.statements() - statements0;
    long com = status(url, "Com_insert") - com0;
    cache.close();
    return new Result(mode, done.get(), elapsed / 1e9, drained / 1e9, statements, com);
  }

  private static void readThrough(String url, int clients, int hotKeys, int lanes,
      PrintStream out) throws IOException {
    String table = "bench_read_through_" + ProcessHandle.current().pid();
    JdbcBackingStore store = new JdbcBackingStore(url, table, "k", "v", lanes + 2);
    Map<io.tiercel.core.ByteKey, byte[]> rows = new java.util.HashMap<>();
    for (int i = 0; i < hotKeys; i++) {
      rows.put(io.tiercel.core.ByteKey.of(("hot:" + i).getBytes(StandardCharsets.UTF_8)),
          new byte[100]);
    }
    store.storeAll(rows);
    StoreOptions options = StoreOptions.parse(Map.of("store", url, "mode", "read-through",
        "lanes", Integer.toString(lanes), "table", table));
    BackedCache cache = BackedCache.open("rt", l -> Caches.create("rt", CacheConfig.defaults(),
        Clock.system(), l), RemovalListener.none(), store, WriteJournal.none(), options,
        Clock.system());
    long loads0 = cache.storeStats().loads();
    long selects0 = status(url, "Com_select");
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    AtomicInteger wrong = new AtomicInteger();
    for (int c = 0; c < clients; c++) {
      Thread t = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < hotKeys; i++) {
          if (cache.get(("hot:" + i).getBytes(StandardCharsets.UTF_8)) == null) {
            wrong.incrementAndGet();
          }
        }
      });
      t.start();
      threads.add(t);
    }
    start.countDown();
    for (Thread t : threads) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    long loads = cache.storeStats().loads() - loads0;
    long selects = status(url, "Com_select") - selects0;
    cache.close();
    out.printf(Locale.ROOT, "read-through  clients=%d hot_keys=%d gets=%d loads=%d"
        + " loads/missed-key=%.2f (store) %.2f (MariaDB Com_select) wrong=%d%n", clients, hotKeys,
        (long) clients * hotKeys, loads, (double) loads / hotKeys, (double) selects / hotKeys,
        wrong.get());
  }

  /** Returns a global status counter of the server (counts every session's statements). */
  private static long status(String url, String name) {
    try (Connection c = DriverManager.getConnection(url);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SHOW GLOBAL STATUS LIKE '" + name + "'")) {
      return rs.next() ? rs.getLong(2) : -1;
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read " + name + ": " + e.getMessage(), e);
    }
  }
}
