package io.tiercel.server.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.concurrent.FastThreadLocalThread;
import io.tiercel.core.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The node's clock holds one reading through a batch on a loop thread, and only there. */
class BatchClockTest {
  private final ManualClock source = new ManualClock(1_000);
  private final BatchClock clock = new BatchClock(source);

  @Test
  void aBatchOnALoopThreadSeesTheReadingTakenAtItsStartUntilItEnds() throws Exception {
    List<Long> seen = new ArrayList<>();
    runOn(new FastThreadLocalThread(() -> {
      seen.add(clock.millis());
      clock.begin();
      source.advance(Duration.ofMillis(5));
      seen.add(clock.millis());
      clock.end();
      seen.add(clock.millis());
      clock.begin();
      seen.add(clock.millis());
      clock.end();
    }));
    assertThat(seen).containsExactly(1_000L, 1_000L, 1_005L, 1_005L);
  }

  @Test
  void otherThreadsReadTheSourceEvenDuringALoopsBatch() throws Exception {
    List<Long> seen = new ArrayList<>();
    runOn(new Thread(() -> {
      clock.begin();
      source.advance(Duration.ofMillis(7));
      seen.add(clock.millis());
      clock.end();
    }));
    assertThat(seen).containsExactly(1_007L);
  }

  private static void runOn(Thread t) throws Exception {
    AtomicReference<Throwable> failure = new AtomicReference<>();
    t.setUncaughtExceptionHandler((th, e) -> failure.set(e));
    t.start();
    t.join(10_000);
    assertThat(t.isAlive()).isFalse();
    assertThat(failure.get()).isNull();
  }
}
