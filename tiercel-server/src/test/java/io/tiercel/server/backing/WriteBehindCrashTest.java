package io.tiercel.server.backing;

import static org.assertj.core.api.Assertions.assertThat;

import io.tiercel.jdbc.JdbcBackingStore;
import io.tiercel.jdbc.MariaDbTestServer;
import io.tiercel.server.ServerMain;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * SIGKILL a node (a child process) in the middle of a write-behind load against MariaDB, start
 * it again on the same data directory: every write it acknowledged reaches the database, under
 * the journal's {@code fsync=always} (fsync before the ack) and {@code everysec} (the default:
 * {@code write()} before the ack, fsync once a second) alike.
 */
class WriteBehindCrashTest {
  private static final int WRITERS = 4;
  private static final int KEYS_PER_WRITER = 50;

  @TempDir Path dir;

  private Process launch(Path config) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add(ServerMain.class.getName());
    command.addAll(List.of("--config", config.toString()));
    return new ProcessBuilder(command).redirectError(dir.resolve("node.log").toFile()).start();
  }

  private static int readyPort(Process p) throws Exception {
    BufferedReader out = new BufferedReader(
        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    assertThat(line).as("ready line").isNotNull().startsWith("ready port=");
    return Integer.parseInt(line.substring("ready port=".length(), line.indexOf(' ', 11)));
  }

  @ParameterizedTest(name = "fsync={0}")
  @ValueSource(strings = {"always", "everysec"})
  void everyAcknowledgedWriteReachesTheDatabaseAfterSigkill(String fsync) throws Exception {
    String url = MariaDbTestServer.shared().url();
    String table = "crash_" + fsync + "_" + ProcessHandle.current().pid();
    Path config = dir.resolve("tiercel.conf");
    Files.writeString(config, String.join("\n",
        "port 0", "http-port 0", "dir " + dir, "loglevel warn",
        "cache users store=" + url + " mode=write-behind table=" + table
            + " flush-interval=200ms batch-size=64 fsync=" + fsync, ""));
    Map<String, Integer> acked = new ConcurrentHashMap<>();
    AtomicInteger total = new AtomicInteger();
    Process node = launch(config);
    int port = readyPort(node);
    ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
    List<Future<?>> writers = new ArrayList<>();
    for (int w = 0; w < WRITERS; w++) {
      int writer = w;
      writers.add(pool.submit(() -> {
        try (Jedis j = new Jedis("127.0.0.1", port)) {
          j.sendCommand(() -> "SELECT".getBytes(StandardCharsets.UTF_8),
              "users".getBytes(StandardCharsets.UTF_8));
          for (int seq = 1; seq <= 100_000; seq++) {
            String key = "w" + writer + "-" + (seq % KEYS_PER_WRITER);
            j.set(key, Integer.toString(seq));
            acked.put(key, seq);
            total.incrementAndGet();
          }
        } catch (RuntimeException e) {
          // The node was killed under us.
        }
        return null;
      }));
    }
    // Kill only once every writer has written each of its keys (the check below needs all of
    // them): 3,000 writes in total do not mean that, when one writer starts late.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while ((total.get() < 3_000 || acked.size() < WRITERS * KEYS_PER_WRITER)
        && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(1);
    }
    node.destroyForcibly();
    assertThat(node.waitFor(30, TimeUnit.SECONDS)).isTrue();
    for (Future<?> f : writers) {
      f.get(30, TimeUnit.SECONDS);
    }
    pool.shutdown();
    assertThat(total.get()).as("acknowledged before the kill").isGreaterThanOrEqualTo(3_000);

    Process again = launch(config);
    try {
      readyPort(again);
      try (JdbcBackingStore db = new JdbcBackingStore(url, table, "k", "v", 1)) {
        List<String> missing = List.of();
        for (int attempt = 0; attempt < 600; attempt++) {
          missing = new ArrayList<>();
          for (Map.Entry<String, Integer> e : acked.entrySet()) {
            byte[] v = db.load(e.getKey().getBytes(StandardCharsets.UTF_8));
            if (v == null || Integer.parseInt(new String(v, StandardCharsets.UTF_8))
                < e.getValue()) {
              missing.add(e.getKey());
            }
          }
          if (missing.isEmpty()) {
            break;
          }
          TimeUnit.MILLISECONDS.sleep(100);
        }
        assertThat(missing).as("keys whose last acknowledged write is not in the database")
            .isEmpty();
        assertThat(acked).hasSize(WRITERS * KEYS_PER_WRITER);
      }
    } finally {
      again.destroy();
      again.waitFor(30, TimeUnit.SECONDS);
    }
  }
}
