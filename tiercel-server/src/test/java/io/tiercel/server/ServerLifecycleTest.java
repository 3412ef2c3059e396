package io.tiercel.server;

import static io.tiercel.server.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.tiercel.core.ManualClock;
import io.tiercel.server.command.Session;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Active expiry, idle timeouts, pub/sub context rules and graceful close of a running node. */
class ServerLifecycleTest {
  @TempDir Path dir;

  @Test
  void expiredKeysAreSweptWithoutBeingRead() throws Exception {
    try (ServerFixture f = ServerFixture.start(dir); RawClient c = RawClient.tcp(f.port())) {
      c.command("SET", "k", "v", "PX", "100");
      assertThat(c.readLine()).isEqualTo("+OK\r\n");
      // The timer wheel sweeps up to one 1.024 s tick late.
      f.clock.advance(Duration.ofMillis(2100));
      // The maintenance task, not a read, must remove it: poll the store's size directly.
      assertThat(eventually(() -> f.server.caches().defaultCache().size() == 0)).isTrue();
    }
  }

  @Test
  void idleClientsAreClosedAfterTheConfiguredTimeout() throws Exception {
    try (ServerFixture f = ServerFixture.start(dir); RawClient idle = RawClient.tcp(f.port());
        RawClient admin = RawClient.tcp(f.port())) {
      idle.command("PING");
      assertThat(idle.readLine()).isEqualTo("+PONG\r\n");
      admin.command("CONFIG", "SET", "timeout", "10");
      assertThat(admin.readLine()).isEqualTo("+OK\r\n");
      f.clock.advance(Duration.ofSeconds(5));
      admin.command("PING");
      assertThat(admin.readLine()).isEqualTo("+PONG\r\n");
      f.clock.advance(Duration.ofSeconds(6));
      assertThat(idle.closedByServer()).isTrue();
      admin.command("PING");
      assertThat(admin.readLine()).isEqualTo("+PONG\r\n");
    }
  }

  @Test
  void resp2SubscribersMayOnlyRunPubSubCommands() throws Exception {
    try (ServerFixture f = ServerFixture.start(dir); RawClient sub = RawClient.tcp(f.port());
        RawClient pub = RawClient.tcp(f.port())) {
      sub.command("SUBSCRIBE", "ch");
      String confirm = "*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n";
      assertThat(sub.readLike(confirm)).isEqualTo(confirm);
      sub.command("GET", "k");
      assertThat(sub.readLine()).isEqualTo("-ERR Can't execute 'get': only (P|S)SUBSCRIBE / "
          + "(P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n");
      sub.command("PING");
      String pong = "*2\r\n$4\r\npong\r\n$0\r\n\r\n";
      assertThat(sub.readLike(pong)).isEqualTo(pong);
      pub.command("PUBLISH", "ch", "hi");
      assertThat(pub.readLine()).isEqualTo(":1\r\n");
      String message = "*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n";
      assertThat(sub.readLike(message)).isEqualTo(message);
      pub.command("PUBSUB", "CHANNELS");
      String channels = "*1\r\n$2\r\nch\r\n";
      assertThat(pub.readLike(channels)).isEqualTo(channels);
      sub.command("UNSUBSCRIBE");
      String bye = "*3\r\n$11\r\nunsubscribe\r\n$2\r\nch\r\n:0\r\n";
      assertThat(sub.readLike(bye)).isEqualTo(bye);
      sub.command("GET", "k");
      assertThat(sub.readLine()).isEqualTo("$-1\r\n");
    }
  }

  @Test
  void concurrentIncrementsFromConnectionsOnEveryWorkerAreNotLost() throws Exception {
    try (ServerFixture f = ServerFixture.start(dir)) {
      int clients = 4;
      int perClient = 500;
      java.util.List<Thread> threads = new java.util.ArrayList<>();
      java.util.Queue<Throwable> failures = new java.util.concurrent.ConcurrentLinkedQueue<>();
      for (int t = 0; t < clients; t++) {
        Thread thread = new Thread(() -> {
          try (RawClient c = RawClient.tcp(f.port())) {
            c.send("INCR n\r\n".repeat(perClient));
            for (int i = 0; i < perClient; i++) {
              assertThat(c.readLine()).startsWith(":");
            }
          } catch (Throwable e) {
            failures.add(e);
          }
        });
        threads.add(thread);
        thread.start();
      }
      for (Thread thread : threads) {
        thread.join(30_000);
      }
      assertThat(failures).isEmpty();
      try (RawClient c = RawClient.tcp(f.port())) {
        c.command("GET", "n");
        assertThat(c.readLike("$4\r\n2000\r\n")).isEqualTo("$4\r\n2000\r\n");
      }
    }
  }

  @Test
  void closeAnswersWhatWasReadThenClosesEveryConnection() throws Exception {
    ServerFixture f = ServerFixture.start(dir);
    try (RawClient c = RawClient.tcp(f.port()); RawClient u = RawClient.unix(f.socket())) {
      StringBuilder batch = new StringBuilder();
      for (int i = 0; i < 200; i++) {
        batch.append("INCR n\r\n");
      }
      c.send(batch.toString());
      assertThat(c.readLine()).isEqualTo(":1\r\n");
      f.close();
      StringBuilder rest = new StringBuilder();
      for (int i = 2; i <= 200; i++) {
        rest.append(':').append(i).append("\r\n");
      }
      // Commands already read when close began are answered before the connection closes.
      String tail = c.readLike(rest.toString());
      assertThat(rest.toString()).startsWith(tail);
      assertThat(c.closedByServer()).isTrue();
      assertThat(u.closedByServer()).isTrue();
    } finally {
      f.close();
    }
  }

  @Test
  void closeClosesAConnectionAcceptedJustBeforeIt() throws Exception {
    // A connection the acceptor hands to its worker as close begins used to be registered after
    // the worker's last sweep and stay open, its client waiting forever: about one close in sixty
    // to a hundred hit it. The UNIX client's reads have no timeout, so each wait is bounded here.
    for (int i = 0; i < 200; i++) {
      Path socketDir = Files.createDirectories(dir.resolve("n" + i));
      ServerFixture f = ServerFixture.start(socketDir);
      try (RawClient u = RawClient.unix(f.socket())) {
        f.close();
        CompletableFuture<Boolean> closed = CompletableFuture.supplyAsync(() -> {
          try {
            return u.closedByServer();
          } catch (IOException e) {
            return true;
          }
        });
        assertThat(closed.get(10, TimeUnit.SECONDS)).as("close %d", i).isTrue();
      } finally {
        f.close();
      }
    }
  }

  @Test
  void closeSendsRepliesHeldForTheirFsyncBeforeClosingTheConnection() throws Exception {
    StallableFsync fsync = new StallableFsync();
    ServerConfig config = new ServerConfig().set("port", "0").set("dir", dir.toString())
        .set("appendonly", "yes").set("appendfsync", "always");
    TiercelServer server = new TiercelServer(config, new ManualClock(0))
        .logSync(fsync).start();
    Thread closer = new Thread(server::close, "closer");
    try (RawClient c = RawClient.tcp(server.port())) {
      fsync.arm();
      c.command("SET", "k", "v");
      // The SET is applied and its record is in the fsync the gate holds: its +OK is held.
      assertThat(eventually(() -> fsync.stalled() > 0)).isTrue();
      closer.start();
      assertThat(eventually(() -> server.node().sessions().stream()
          .allMatch(Session::closing))).isTrue();
      fsync.open();
      assertThat(c.readLine()).isEqualTo("+OK\r\n");
      assertThat(c.closedByServer()).isTrue();
    } finally {
      fsync.open();
      closer.join(20_000);
      server.close();
    }
  }
}
