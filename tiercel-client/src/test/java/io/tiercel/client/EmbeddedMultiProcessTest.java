package io.tiercel.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real JVM processes sharing one embedded cache, started with this JVM's java binary and test
 * class path ({@link EmbeddedWorker}); the serving one is killed with {@code kill -9}
 * ({@link Process#destroyForcibly()}), and a waiting one must take over with every write that
 * was acknowledged before the kill.
 */
class EmbeddedMultiProcessTest {
  @TempDir Path root;
  private final List<WorkerProcess> workers = new ArrayList<>();

  @AfterEach
  void stopWorkers() throws InterruptedException {
    for (WorkerProcess w : workers) {
      w.killDashNine();
    }
  }

  private WorkerProcess start(String name) throws Exception {
    WorkerProcess w = WorkerProcess.start(name, root, "foo_cache", root.resolve(name + ".log"));
    workers.add(w);
    assertThat(w.read(60)).startsWith("open serving=");
    return w;
  }

  @Test
  void aSecondProcessReadsWhatTheFirstWroteAndTheFirstReadsWhatTheSecondWrote() throws Exception {
    WorkerProcess first = start("first");
    WorkerProcess second = start("second");
    assertThat(first.serving()).isTrue();
    assertThat(second.serving()).isFalse();

    assertThat(first.ask("set a 1")).isEqualTo("ok");
    assertThat(second.ask("get a")).isEqualTo("value 1");
    assertThat(second.ask("set b 2")).isEqualTo("ok");
    assertThat(first.ask("get b")).isEqualTo("value 2");
    assertThat(second.ask("pop a")).isEqualTo("value 1");
    assertThat(first.ask("get a")).isEqualTo("value null");
    assertThat(first.ask("pop a")).isEqualTo("value null");
    assertThat(first.ask("fill x 300")).isEqualTo("ok 300");
    assertThat(second.ask("check x 300")).isEqualTo("missing=0 wrong=0");
    assertThat(second.ask("purge")).isEqualTo("ok");
    assertThat(first.ask("get b")).isEqualTo("value null");
    assertThat(first.ask("check x 300")).isEqualTo("missing=300 wrong=0");
    assertThat(Files.exists(root.resolve("foo_cache").resolve("sock"))).isTrue();
    assertThat(Files.readString(root.resolve("foo_cache").resolve("tiercel.log")))
        .contains("this process serves it");
  }

  @Test
  void killingTheServingProcessHandsTheCacheToAWaitingOneWithEveryAcknowledgedWrite()
      throws Exception {
    WorkerProcess server = start("server");
    WorkerProcess a = start("a");
    WorkerProcess b = start("b");
    assertThat(server.serving()).isTrue();
    assertThat(server.ask("fill local 400")).isEqualTo("ok 400");
    assertThat(a.ask("fill remote 400")).isEqualTo("ok 400");
    // b writes in a loop through the kill: each set either returns once the new server has it,
    // or throws CacheUnavailableException; none may be lost once acknowledged.
    assertThat(b.ask("writeloop loop 3000")).isEqualTo("ok");
    awaitAcked(b, 300);

    server.killDashNine();
    workers.remove(server);

    String loop = b.ask("awaitloop", 120);
    assertThat(loop).startsWith("acked=");
    String failed = loop.substring(loop.indexOf("failed=") + "failed=".length());
    // The slowest set of the loop is the one that waited across the handover.
    String report = "embedded kill -9 handover: " + loop;
    System.out.println(report);
    Files.writeString(Path.of("target", "embedded-handover.txt"), report + "\n");
    assertThat(a.serving() ^ b.serving()).as("exactly one of the survivors serves").isTrue();
    for (WorkerProcess w : List.of(a, b)) {
      assertThat(w.ask("check local 400")).isEqualTo("missing=0 wrong=0");
      assertThat(w.ask("check remote 400")).isEqualTo("missing=0 wrong=0");
      assertThat(w.ask("check loop 3000 " + failed)).isEqualTo("missing=0 wrong=0");
    }

    // And once more: the new server dies too; the last process serves alone, data intact.
    WorkerProcess next = a.serving() ? a : b;
    WorkerProcess last = next == a ? b : a;
    assertThat(next.ask("set after-first-kill yes")).isEqualTo("ok");
    next.killDashNine();
    workers.remove(next);
    assertThat(last.ask("get after-first-kill")).isEqualTo("value yes");
    assertThat(last.serving()).isTrue();
    assertThat(last.ask("check remote 400")).isEqualTo("missing=0 wrong=0");
    assertThat(Files.readString(root.resolve("foo_cache").resolve("tiercel.log")))
        .contains("takes over");
  }

  @Test
  void closingTheServingProcessHandsOverWithoutLosingData() throws Exception {
    WorkerProcess server = start("server");
    WorkerProcess other = start("other");
    assertThat(server.ask("fill k 200")).isEqualTo("ok 200");
    assertThat(server.ask("close")).isEqualTo("closed");
    assertThat(other.ask("check k 200")).isEqualTo("missing=0 wrong=0");
    assertThat(other.serving()).isTrue();
  }

  @Test
  void threadsOfTheServingAndOfAConnectedProcessHammerOneHandleConcurrently() throws Exception {
    WorkerProcess server = start("server");
    WorkerProcess client = start("client");
    // Both run at once: 4 threads each, 2000 operations per thread, every read checked against
    // what that thread wrote.
    server.send("hammer 4 2000");
    client.send("hammer 4 2000");
    assertThat(server.read(120)).isEqualTo("hammer ok 8000");
    assertThat(client.read(120)).isEqualTo("hammer ok 8000");
  }

  private static void awaitAcked(WorkerProcess w, int atLeast) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      String acked = w.ask("acked");
      if (Integer.parseInt(acked.substring("acked ".length())) >= atLeast) {
        return;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
    throw new AssertionError("fewer than " + atLeast + " writes acknowledged in 60 s");
  }
}
