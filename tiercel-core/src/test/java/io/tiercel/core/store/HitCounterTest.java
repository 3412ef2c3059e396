package io.tiercel.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HitCounterTest {
  @Test
  void countsEveryIncrementOfConcurrentThreadsExactly() throws InterruptedException {
    HitCounter counter = new HitCounter();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      threads.add(Thread.ofPlatform().start(() -> {
        for (int i = 0; i < 100_000; i++) {
          counter.increment();
        }
      }));
    }
    for (Thread thread : threads) {
      thread.join();
    }
    counter.increment();
    assertThat(counter.sum()).isEqualTo(400_001);
  }

  @Test
  void endedThreadsKeepTheirCountsButNotTheirCells() throws InterruptedException {
    HitCounter counter = new HitCounter();
    for (int t = 0; t < 200; t++) {
      Thread thread = Thread.ofPlatform().start(() -> {
        for (int i = 0; i < 10; i++) {
          counter.increment();
        }
      });
      thread.join();
    }
    assertThat(counter.sum()).isEqualTo(2_000);
    assertThat(counter.cellsForTesting())
        .as("cells of ended threads were folded")
        .isLessThanOrEqualTo(16);
  }

  @Test
  void threadsWhoseIdsShareACellSlotStillCountExactly() throws InterruptedException {
    // More live threads than cell slots by id, so some ids collide and take the ThreadLocal path.
    HitCounter counter = new HitCounter();
    List<Thread> threads = new ArrayList<>();
    java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
    for (int t = 0; t < 150; t++) {
      threads.add(Thread.ofPlatform().start(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        for (int i = 0; i < 1_000; i++) {
          counter.increment();
        }
      }));
    }
    start.countDown();
    for (Thread thread : threads) {
      thread.join(60_000);
    }
    assertThat(counter.sum()).isEqualTo(150_000);
  }
}
