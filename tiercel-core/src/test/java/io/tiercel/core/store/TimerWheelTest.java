package io.tiercel.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TimerWheelTest {
  private static TimedEntry entry(long expireAt) {
    return new TimedEntry(new byte[] {0}, 0, expireAt);
  }

  @Test
  void expiresExactlyTheDueEntriesAtEveryLevel() {
    Random random = new Random(42);
    long start = 1_000_000_000L;
    TimerWheel wheel = new TimerWheel(start);
    List<TimedEntry> all = new ArrayList<>();
    long[] delays = {5, 900, 5_000, 70_000, 4_000_000, 60_000_000, 400_000_000, 2_000_000_000L};
    for (long delay : delays) {
      for (int i = 0; i < 50; i++) {
        TimedEntry e = entry(start + 1 + random.nextLong(delay));
        wheel.schedule(e);
        all.add(e);
      }
    }
    Set<TimedEntry> expired = new HashSet<>();
    long now = start;
    for (int step = 0; step < 400; step++) {
      now += 1 + random.nextLong(10_000_000L);
      wheel.advance(now, Integer.MAX_VALUE, expired::add);
      assertThat(wheel.scheduled()).isEqualTo(wheel.scheduledCount());
      for (TimedEntry e : all) {
        // Due entries go within one level-0 tick (1024 ms); none goes early.
        if (expired.contains(e)) {
          assertThat(e.expireAt).isLessThanOrEqualTo(now);
        } else {
          assertThat(e.expireAt).isGreaterThan(now - 1024);
        }
      }
    }
    assertThat(expired.size() + wheel.scheduledCount()).isEqualTo(all.size());
    assertThat(wheel.scheduled()).isEqualTo(wheel.scheduledCount());
  }

  @Test
  void budgetBoundsWorkAndTheNextAdvanceResumes() {
    TimerWheel wheel = new TimerWheel(0);
    for (int i = 0; i < 1000; i++) {
      wheel.schedule(entry(100 + i));
    }
    List<TimedEntry> expired = new ArrayList<>();
    assertThat(wheel.advance(10_000, 300, expired::add)).isEqualTo(300);
    assertThat(expired).hasSize(300);
    assertThat(wheel.scheduled()).isEqualTo(700).isEqualTo(wheel.scheduledCount());
    assertThat(wheel.advance(10_000, 300, expired::add)).isEqualTo(300);
    assertThat(wheel.advance(10_000, 1000, expired::add)).isEqualTo(400);
    assertThat(expired).hasSize(1000).doesNotHaveDuplicates();
    assertThat(wheel.scheduledCount()).isZero();
    assertThat(wheel.scheduled()).isZero();
  }

  @Test
  void descheduledEntryNeverExpires() {
    TimerWheel wheel = new TimerWheel(0);
    TimedEntry kept = entry(2000);
    TimedEntry gone = entry(2000);
    wheel.schedule(kept);
    wheel.schedule(gone);
    wheel.deschedule(gone);
    wheel.deschedule(gone);
    assertThat(wheel.scheduled()).as("a second deschedule counts nothing").isEqualTo(1);
    List<TimedEntry> expired = new ArrayList<>();
    wheel.advance(100_000, 10, expired::add);
    assertThat(expired).containsExactly(kept);
  }
}
