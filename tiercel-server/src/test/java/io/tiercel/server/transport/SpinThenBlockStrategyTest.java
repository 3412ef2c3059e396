package io.tiercel.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.SelectStrategy;
import io.netty.util.IntSupplier;
import org.junit.jupiter.api.Test;

class SpinThenBlockStrategyTest {
  private long now = 1_000_000;
  private int ready;
  private final IntSupplier selectNow = () -> ready;

  private SpinThenBlockStrategy strategy(long maxSpinNanos) {
    return new SpinThenBlockStrategy(maxSpinNanos, () -> now);
  }

  @Test
  void anIdleLoopThatHasNotWorkedBlocksAtOnce() throws Exception {
    SpinThenBlockStrategy s = strategy(50_000);
    assertThat(s.calculateStrategy(selectNow, false)).isEqualTo(SelectStrategy.SELECT);
    now += 1_000_000;
    assertThat(s.calculateStrategy(selectNow, false)).isEqualTo(SelectStrategy.SELECT);
  }

  @Test
  void readyEventsAreHandedToTheLoopWithoutBlocking() throws Exception {
    SpinThenBlockStrategy s = strategy(50_000);
    ready = 3;
    assertThat(s.calculateStrategy(selectNow, false)).isEqualTo(3);
  }

  @Test
  void pendingTasksNeverBlock() throws Exception {
    SpinThenBlockStrategy s = strategy(50_000);
    assertThat(s.calculateStrategy(selectNow, true)).isZero();
  }

  @Test
  void theLoopSpinsNoLongerThanItJustWorked() throws Exception {
    SpinThenBlockStrategy s = strategy(50_000);
    ready = 1;
    s.calculateStrategy(selectNow, false);
    now += 10_000;  // 10 µs handling the event
    ready = 0;
    assertThat(s.calculateStrategy(selectNow, false)).isEqualTo(SelectStrategy.CONTINUE);
    now += 6_000;
    assertThat(s.calculateStrategy(selectNow, false)).isEqualTo(SelectStrategy.CONTINUE);
    now += 4_000;  // 10 µs of spin spent
    assertThat(s.calculateStrategy(selectNow, false)).isEqualTo(SelectStrategy.SELECT);
  }

  @Test
  void spinCreditIsCappedAtTheMaximum() throws Exception {
    SpinThenBlockStrategy s = strategy(50_000);
    ready = 1;
    s.calculateStrategy(selectNow, false);
    now += 5_000_000;  // a long stretch of work earns no more than the maximum
    ready = 0;
    assertThat(s.calculateStrategy(selectNow, false)).isEqualTo(SelectStrategy.CONTINUE);
    now += 49_000;
    assertThat(s.calculateStrategy(selectNow, false)).isEqualTo(SelectStrategy.CONTINUE);
    now += 2_000;
    assertThat(s.calculateStrategy(selectNow, false)).isEqualTo(SelectStrategy.SELECT);
  }

  @Test
  void anEventFoundWhileSpinningKeepsTheUnspentCredit() throws Exception {
    SpinThenBlockStrategy s = strategy(50_000);
    ready = 1;
    s.calculateStrategy(selectNow, false);
    now += 20_000;
    ready = 0;
    s.calculateStrategy(selectNow, false);  // 20 µs earned, spinning
    now += 5_000;
    ready = 2;
    assertThat(s.calculateStrategy(selectNow, false)).isEqualTo(2);  // 15 µs left
    now += 1_000;  // plus 1 µs of work
    ready = 0;
    s.calculateStrategy(selectNow, false);
    now += 15_000;
    assertThat(s.calculateStrategy(selectNow, false)).isEqualTo(SelectStrategy.CONTINUE);
    now += 1_000;
    assertThat(s.calculateStrategy(selectNow, false)).isEqualTo(SelectStrategy.SELECT);
  }

  @Test
  void aWakeUpFromBlockingEarnsNothingUntilTheLoopWorksWithoutBlocking() throws Exception {
    SpinThenBlockStrategy s = strategy(50_000);
    assertThat(s.calculateStrategy(selectNow, false)).isEqualTo(SelectStrategy.SELECT);
    now += 30_000;  // blocked, then handled what woke it: unknown split, no credit
    assertThat(s.calculateStrategy(selectNow, false)).isEqualTo(SelectStrategy.SELECT);
  }
}
