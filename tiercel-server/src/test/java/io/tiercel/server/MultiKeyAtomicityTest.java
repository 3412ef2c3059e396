package io.tiercel.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RENAME and MSETNX are atomic: many clients run them at once over real sockets against one
 * node (with two event loops, so commands really run in parallel) and the invariants a
 * non-atomic implementation breaks are checked afterwards.
 */
class MultiKeyAtomicityTest {
  private static final int CLIENTS = 4;
  private static final int OPS_PER_CLIENT = 5_000;
  private static final int PIPELINE = 50;
  private static final long DEADLINE_SECONDS = 60;

  @TempDir
  Path dir;
  ServerFixture fixture;

  @BeforeEach
  void start() throws Exception {
    fixture = ServerFixture.start(dir);
  }

  @AfterEach
  void stop() throws Exception {
    fixture.close();
    Files.deleteIfExists(dir.resolve("tiercel.sock"));
  }

  /**
   * One token is renamed between 3 keys by every client at once. If RENAME read the source and
   * wrote the target as two steps, two clients could both move the same token (duplicating it)
   * or one could delete a token another had just moved in (losing it).
   */
  @Test
  void concurrentRenamesNeitherLoseNorDuplicateAValue() throws Exception {
    int keys = 3;
    try (RawClient c = RawClient.tcp(fixture.port())) {
      assertThat(c.command("SET", "key0", "token").reply().raw()).isEqualTo("+OK\r\n");
    }
    runClients((random, id) -> {
      String from = "key" + random.nextInt(keys);
      String to = "key" + random.nextInt(keys);
      return new Call(reply -> assertThat(reply.raw())
          .matches("\\+OK\r\n|:[01]\r\n|-ERR no such key\r\n"),
          random.nextBoolean() ? "RENAME" : "RENAMENX", from, to);
    });
    try (RawClient c = RawClient.tcp(fixture.port())) {
      List<String> holders = new ArrayList<>();
      for (int i = 0; i < keys; i++) {
        RespValue v = c.command("GET", "key" + i).reply();
        if (v.text() != null) {
          assertThat(v.text()).isEqualTo("token");
          holders.add("key" + i);
        }
      }
      assertThat(holders).hasSize(1);
      assertThat(c.command("DBSIZE").reply().raw()).isEqualTo(":1\r\n");
    }
  }

  /**
   * Clients claim three random keys at once with MSETNX or one with SETNX, each claim writing a
   * unique id. A SETNX that slipped between MSETNX's check and its writes would be overwritten
   * though it answered 1, or split a group; so afterwards every winner must own all its keys.
   */
  @Test
  void msetnxIsAllOrNothingAgainstConcurrentSetnx() throws Exception {
    int keys = 100;
    List<String[]> wins = Collections.synchronizedList(new ArrayList<>());
    runClients((random, id) -> {
      if (random.nextBoolean()) {
        String key = "k" + random.nextInt(keys);
        return new Call(reply -> {
          if (reply.raw().equals(":1\r\n")) {
            wins.add(new String[] {id, key});
          }
        }, "SETNX", key, id);
      }
      String a = "k" + random.nextInt(keys);
      String b = "k" + random.nextInt(keys);
      String c = "k" + random.nextInt(keys);
      return new Call(reply -> {
        if (reply.raw().equals(":1\r\n")) {
          wins.add(new String[] {id, a, b, c});
        }
      }, "MSETNX", a, id, b, id, c, id);
    });
    assertThat(wins).isNotEmpty();
    try (RawClient c = RawClient.tcp(fixture.port())) {
      for (String[] win : wins) {
        for (int i = 1; i < win.length; i++) {
          assertThat(c.command("GET", win[i]).reply().text())
              .as("key %s of claim %s", win[i], win[0]).isEqualTo(win[0]);
        }
      }
    }
  }

  /** One command and what to do with its reply. */
  private record Call(Consumer<RespValue> check, String... args) {}

  private interface Step {
    Call next(Random random, String id);
  }

  /**
   * Runs {@code step} on {@link #CLIENTS} connections at once, each sending pipelines of
   * {@link #PIPELINE} commands so the event loops run commands back to back in parallel;
   * bounded in count and in time.
   */
  private void runClients(Step step) throws Exception {
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicLong ids = new AtomicLong();
    CyclicBarrier start = new CyclicBarrier(CLIENTS);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < CLIENTS; t++) {
      long seed = t;
      threads.add(Thread.ofPlatform().start(() -> {
        try (RawClient client = RawClient.tcp(fixture.port())) {
          Random random = new Random(seed);
          start.await();
          for (int sent = 0; sent < OPS_PER_CLIENT; sent += PIPELINE) {
            List<Call> calls = new ArrayList<>();
            for (int i = 0; i < PIPELINE; i++) {
              Call call = step.next(random, "id" + ids.incrementAndGet());
              client.command(call.args());
              calls.add(call);
            }
            for (Call call : calls) {
              call.check().accept(client.reply());
            }
          }
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
        }
      }));
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
    for (Thread thread : threads) {
      thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      assertThat(thread.isAlive()).as("a client still runs after the deadline").isFalse();
    }
    assertThat(failure.get()).isNull();
  }
}
