package io.tiercel.core.backing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class KeyAffinityExecutorTest {

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void oneKeysTasksRunInSubmissionOrderOnOneThread() throws Exception {
    try (KeyAffinityExecutor ex = new KeyAffinityExecutor("t", 8)) {
      List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
      List<String> threads = Collections.synchronizedList(new ArrayList<>());
      List<CompletableFuture<Integer>> fs = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        int n = i;
        fs.add(ex.submit(b("key"), () -> {
          seen.add(n);
          threads.add(Thread.currentThread().getName());
          assertThat(ex.isCurrentLane(b("key"))).isTrue();
          return n;
        }));
      }
      for (CompletableFuture<Integer> f : fs) {
        f.get(30, TimeUnit.SECONDS);
      }
      for (int i = 0; i < 1000; i++) {
        assertThat(seen.get(i)).isEqualTo(i);
      }
      assertThat(threads.stream().distinct().count()).isEqualTo(1);
    }
  }

  @Test
  void aBlockedKeyDoesNotHoldUpKeysOnOtherLanes() throws Exception {
    try (KeyAffinityExecutor ex = new KeyAffinityExecutor("t", 4)) {
      byte[] blocked = b("blocked");
      byte[] other = null;
      for (int i = 0; other == null; i++) {
        if (ex.laneOf(b("k" + i)) != ex.laneOf(blocked)) {
          other = b("k" + i);
        }
      }
      CountDownLatch release = new CountDownLatch(1);
      CompletableFuture<Boolean> stuck = ex.submit(blocked,
          () -> release.await(30, TimeUnit.SECONDS));
      assertThat(ex.submit(other, () -> "ran").get(30, TimeUnit.SECONDS)).isEqualTo("ran");
      assertThat(stuck).isNotDone();
      release.countDown();
      assertThat(stuck.get(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void aFailingTaskFailsItsFutureAndTheLaneGoesOn() throws Exception {
    try (KeyAffinityExecutor ex = new KeyAffinityExecutor("t", 1)) {
      CompletableFuture<Object> bad = ex.submit(b("a"), () -> {
        throw new IllegalStateException("boom");
      });
      assertThat(ex.submit(b("a"), () -> 1).get(30, TimeUnit.SECONDS)).isEqualTo(1);
      assertThat(bad).isCompletedExceptionally();
    }
  }

  @Test
  void aBlockingCallerRunsItsTaskOnItsOwnThreadAsTheLaneWhenTheLaneIsIdle() throws Exception {
    try (KeyAffinityExecutor ex = new KeyAffinityExecutor("t", 4)) {
      Thread caller = Thread.currentThread();
      CompletableFuture<Boolean> f = ex.runOrSubmit(b("key"), () ->
          Thread.currentThread() == caller && ex.isCurrentLane(b("key")) && ex.onAnyLane());
      assertThat(f.isDone()).as("ran before returning").isTrue();
      assertThat(f.get()).isTrue();
      assertThat(ex.onAnyLane()).as("no longer the lane afterwards").isFalse();
    }
  }

  @Test
  void aBlockingCallersTaskWaitsBehindTasksSubmittedBeforeIt() throws Exception {
    try (KeyAffinityExecutor ex = new KeyAffinityExecutor("t", 4)) {
      List<String> order = Collections.synchronizedList(new ArrayList<>());
      CountDownLatch release = new CountDownLatch(1);
      CompletableFuture<Void> first = ex.submit(b("key"), () -> {
        release.await(30, TimeUnit.SECONDS);
        order.add("submitted first");
        return null;
      });
      CompletableFuture<String> second = ex.runOrSubmit(b("key"), () -> {
        order.add("blocking caller");
        return Thread.currentThread().getName();
      });
      assertThat(second.isDone()).as("queued behind the busy lane").isFalse();
      release.countDown();
      assertThat(second.get(30, TimeUnit.SECONDS)).startsWith("t-lane-");
      first.get(30, TimeUnit.SECONDS);
      assertThat(order).containsExactly("submitted first", "blocking caller");
    }
  }
}
