package io.tiercel.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.tiercel.core.Clock;
import io.tiercel.server.ServerConfig;
import io.tiercel.server.TiercelServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs short, bounded loads through real sockets against a Tiercel node started in-process (TCP
 * and its UNIX socket), a real redis-server and a real memcached.
 */
@Timeout(120)
class LoadAgainstRealServersTest {
  @TempDir
  static Path dir;

  private static TiercelServer tiercel;
  private static ExternalServer redis;
  private static ExternalServer memcached;

  @BeforeAll
  static void startServers() throws Exception {
    tiercel = new TiercelServer(new ServerConfig().set("port", "0")
        .set("unixsocket", dir.resolve("tiercel.sock").toString()).set("io-threads", "2"),
        Clock.system()).start();
    redis = ExternalServer.redis(dir, "--enable-debug-command", "yes");
    memcached = ExternalServer.memcached(dir);
  }

  @AfterAll
  static void stopServers() {
    if (tiercel != null) {
      tiercel.close();
    }
    if (redis != null) {
      redis.close();
    }
    if (memcached != null) {
      memcached.close();
    }
  }

  private static List<Target> targets() {
    return List.of(Target.parse("resp://127.0.0.1:" + tiercel.port()),
        Target.parse("unix://" + tiercel.unixSocket()),
        Target.parse("resp://127.0.0.1:" + redis.port),
        Target.parse("memcache://127.0.0.1:" + memcached.port));
  }

  @Test
  void closedLoopCompletesEveryRequestWithTheRightValuesOnEachTarget() throws Exception {
    for (Target target : targets()) {
      LoadSettings s = settings(target, "1:1", "zipf:0.99", "10-300", 4, 4, 0, 3000,
          Duration.ZERO, true, "closed-");
      LoadResult r = LoadRun.run(s, Progress.NONE);
      assertThat(r.errors()).as("%s: %s", target, LoadTable.format(r)).isZero();
      assertThat(r.successes()).as("%s", target).isGreaterThanOrEqualTo(3000);
      assertThat(r.count(Outcome.HIT)).as("%s", target).isPositive();
      assertThat(r.count(Outcome.MISS)).as("%s: every key was filled", target).isZero();
      assertThat(r.count(Outcome.STORED)).as("%s", target).isPositive();
      // Read one key back outside the load generator and compare with what it must hold.
      Values values = new Values(s.workload().keyPrefix(), 300);
      byte[] stored = readBack(target, values.key(0));
      assertThat(stored.length).isBetween(10, 300);
      assertThat(stored).isEqualTo(values.value(0, stored.length));
    }
  }

  @Test
  void openLoopSendsAtTheOfferedRateWithoutErrorsOnEachTarget() throws Exception {
    for (Target target : targets()) {
      LoadSettings s = settings(target, "9:1", "hotset:0.2:0.8", "100", 3, 16, 2000, 1000,
          Duration.ZERO, true, "open-");
      LoadResult r = LoadRun.run(s, Progress.NONE);
      assertThat(r.errors()).as("%s: %s", target, LoadTable.format(r)).isZero();
      assertThat(r.successes()).as("%s: without a warm-up, exactly --ops", target).isEqualTo(1000);
      // 1000 requests due over 0.5 s: the run cannot be much shorter than the schedule.
      assertThat(r.seconds()).as("%s", target).isGreaterThan(0.45);
      assertThat(r.settings().get("mode")).isEqualTo("open");
    }
  }

  @Test
  void aValueThatIsNotTheKeysIsCountedAsWrong() throws Exception {
    Target target = Target.parse("resp://127.0.0.1:" + redis.port);
    String prefix = "wrong:";
    for (int k = 0; k < 10; k++) {
      command(target, "SET " + prefix + k + " not-the-pattern-value");
    }
    LoadSettings s = new LoadSettings(target, new Workload(1, 0,
        KeyDistribution.parse("uniform", 10, 1), 5, 100, 0, prefix, 1), 1, 1, 0, 1, Duration.ZERO,
        Duration.ofSeconds(1), 200, false, "wrong", Duration.ofSeconds(5));
    LoadResult r = LoadRun.run(s, Progress.NONE);
    assertThat(r.count(Outcome.WRONG_VALUE)).isEqualTo(200);
    assertThat(r.message(Outcome.WRONG_VALUE)).startsWith("get wrong:").contains("not-the-pat");
    assertThat(r.count(Outcome.HIT)).isZero();
  }

  @Test
  void openLoopCountsEveryRequestDelayedByAStallWhileClosedLoopCountsOne() throws Exception {
    Target target = Target.parse("resp://127.0.0.1:" + redis.port);
    Histogram open = withStall(settings(target, "9:1", "uniform", "100", 2, 64, 1000, 0,
        Duration.ofMillis(1500), true, "stall-open-"));
    Histogram closed = withStall(settings(target, "9:1", "uniform", "100", 1, 1, 0, 0,
        Duration.ofMillis(1500), true, "stall-closed-"));
    long slowOpen = open.getCountBetweenValues(100_000_000L, Long.MAX_VALUE / 4);
    long slowClosed = closed.getCountBetweenValues(100_000_000L, Long.MAX_VALUE / 4);
    // A 300 ms stall at 1000 requests/s delays ~200 requests by 100 ms or more, each counted from
    // its intended send time; the closed loop's single client waits once and sends nothing else.
    assertThat((double) slowOpen / open.getTotalCount()).isGreaterThan(0.05);
    assertThat(closed.getMaxValue()).isGreaterThan(250_000_000L);
    assertThat(slowClosed).isBetween(1L, 2L);
  }

  /** Runs {@code s}; one second into the measurement, redis sleeps for 300 ms. */
  private static Histogram withStall(LoadSettings s) throws Exception {
    AtomicBoolean stalled = new AtomicBoolean();
    Progress stallOnce = new Progress() {
      @Override
      public void update(String phase, double elapsed, double total, double ops, double p99,
          long errors) {
        if (phase.equals("measure") && stalled.compareAndSet(false, true)) {
          Thread.ofVirtual().start(() -> {
            try {
              command(s.target(), "DEBUG SLEEP 0.3");
            } catch (IOException e) {
              throw new IllegalStateException(e);
            }
          });
        }
      }

      @Override
      public void done() {}
    };
    LoadResult r = LoadRun.run(s, stallOnce);
    assertThat(stalled).isTrue();
    assertThat(r.errors()).as(LoadTable.format(r)).isZero();
    return r.allLatency();
  }

  private static LoadSettings settings(Target target, String ratio, String distribution,
      String sizes, int clients, int pipeline, double rate, long ops, Duration duration,
      boolean fill, String prefix) {
    int[] r = Workload.parseRatio(ratio);
    int[] v = Workload.parseValueSize(sizes);
    Workload w = new Workload(r[0], r[1], KeyDistribution.parse(distribution, 500, 3), v[0], v[1],
        0, prefix, 3);
    return new LoadSettings(target, w, clients, pipeline, rate, 2, Duration.ZERO,
        duration.isZero() ? Duration.ofSeconds(10) : duration, ops, fill, target.uri(),
        Duration.ofSeconds(5));
  }

  /** Sends an inline command and returns the first reply line. */
  private static String command(Target target, String line) throws IOException {
    try (Socket socket = new Socket("127.0.0.1",
        ((java.net.InetSocketAddress) target.address()).getPort())) {
      socket.getOutputStream().write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
      return readLine(socket.getInputStream());
    }
  }

  /** GETs {@code key} over a fresh connection in the target's own protocol. */
  private static byte[] readBack(Target target, String key) throws IOException {
    try (java.nio.channels.SocketChannel channel = target.connect();
        InputStream in = java.nio.channels.Channels.newInputStream(channel);
        OutputStream out = java.nio.channels.Channels.newOutputStream(channel)) {
      boolean memcache = target.protocol() == Target.Protocol.MEMCACHE;
      out.write(((memcache ? "get " : "GET ") + key + "\r\n").getBytes(StandardCharsets.US_ASCII));
      String header = readLine(in);
      int length = memcache
          ? Integer.parseInt(header.substring(header.lastIndexOf(' ') + 1))
          : Integer.parseInt(header.substring(1));
      assertThat(header).startsWith(memcache ? "VALUE " + key + " " : "$");
      byte[] value = in.readNBytes(length);
      assertThat(readLine(in)).isEmpty();
      if (memcache) {
        assertThat(readLine(in)).isEqualTo("END");
      }
      return value;
    }
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = in.read()) != -1 && c != '\n') {
      if (c != '\r') {
        line.append((char) c);
      }
    }
    return line.toString();
  }
}
