package io.tiercel.server.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tiercel.core.ManualClock;
import io.tiercel.server.ServerConfig;
import io.tiercel.server.TiercelServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

class EventLoopSliceTest {
  /** Whether this kernel has custom slices (Linux 6.12+), which the tests of the effect need. */
  private static boolean kernelHasCustomSlices() {
    if (!System.getProperty("os.name").startsWith("Linux")) {
      return false;
    }
    String[] v = System.getProperty("os.version").split("[.-]");
    int major = Integer.parseInt(v[0]);
    int minor = Integer.parseInt(v[1]);
    return major > 6 || (major == 6 && minor >= 12);
  }

  /** The calling thread's slice in nanoseconds, as the kernel reports it. */
  private static long ownSliceNanos() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/thread-self/sched"))) {
      if (line.startsWith("se.slice")) {
        return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
      }
    }
    throw new AssertionError("no se.slice in /proc/thread-self/sched");
  }

  @Test
  void aThreadOfTheFactoryRunsWithTheSliceItAskedForAndReportsIt() throws Exception {
    assumeTrue(kernelHasCustomSlices(), "needs Linux 6.12+");
    AtomicInteger reported = new AtomicInteger(-1);
    CompletableFuture<Long> seen = new CompletableFuture<>();
    ThreadFactory threads = EventLoopSlice.threads(Executors.defaultThreadFactory(), 250,
        reported::set);
    Thread t = threads.newThread(() -> {
      try {
        seen.complete(ownSliceNanos());
      } catch (IOException | RuntimeException e) {
        seen.completeExceptionally(e);
      }
    });
    t.start();
    assertThat(seen.get(10, TimeUnit.SECONDS)).isEqualTo(250_000L);
    assertThat(reported).hasValue(250);
    assertThat(ownSliceNanos()).as("the caller's own slice is not touched")
        .isNotEqualTo(250_000L);
  }

  @Test
  void zeroAsksForNothingAndKeepsTheFactory() {
    ThreadFactory delegate = Executors.defaultThreadFactory();
    assertThat(EventLoopSlice.threads(delegate, 0, micros -> { })).isSameAs(delegate);
  }

  @Test
  void aSliceTheKernelCannotGiveIsRefusedBeforeAnyCall() {
    assertThatThrownBy(() -> EventLoopSlice.applyToCurrentThread(99))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("100 to 100000");
    assertThatThrownBy(() -> EventLoopSlice.applyToCurrentThread(100_001))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> EventLoopSlice.threads(Executors.defaultThreadFactory(), 50,
        micros -> { })).as("refused when the factory is made, not in the loop's thread")
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theSettingTakesZeroOrTheKernelsRangeAndDefaultsToAShortSlice() {
    assertThat(new ServerConfig().ioThreadSliceMicros()).isEqualTo(100);
    assertThat(new ServerConfig().set("io-thread-slice-micros", "0").ioThreadSliceMicros())
        .isZero();
    assertThat(new ServerConfig().set("io-thread-slice-micros", "2000").ioThreadSliceMicros())
        .isEqualTo(2000);
    assertThatThrownBy(() -> new ServerConfig().set("io-thread-slice-micros", "50"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("io-thread-slice-micros: '50' (expected: 0 or an integer in 100..100000)");
  }

  @Test
  void aNodesInfoShowsTheSliceItsLoopsGotOrZeroWhenAskedForNone() throws Exception {
    assumeTrue(kernelHasCustomSlices(), "needs Linux 6.12+");
    for (String asked : new String[] {"300", "0"}) {
      ServerConfig config = new ServerConfig().set("port", "0").set("http-port", "-1")
          .set("io-thread-slice-micros", asked);
      try (TiercelServer server = new TiercelServer(config, new ManualClock()).start();
          Jedis jedis = new Jedis("127.0.0.1", server.port(), 10_000)) {
        assertThat(jedis.info("server")).contains("io_thread_slice_us:" + asked + "\r\n");
      }
    }
  }
}
