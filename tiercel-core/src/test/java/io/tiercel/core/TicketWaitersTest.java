package io.tiercel.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TicketWaitersTest {
  private final TicketWaiters waiters = new TicketWaiters();
  private final List<String> events = new ArrayList<>();

  private void waitFor(long ticket) {
    waiters.add(ticket, () -> events.add("durable " + ticket),
        e -> events.add("failed " + ticket + ": " + e.getMessage()));
  }

  @Test
  void releaseRunsOnlyTheWaitersItsDurableTicketCovers() {
    waitFor(3);
    waitFor(1);
    waitFor(5);
    assertThat(waiters.maxTicket()).isEqualTo(5);
    waiters.release(3, null);
    assertThat(events).containsExactlyInAnyOrder("durable 3", "durable 1");
    assertThat(waiters.isEmpty()).isFalse();
    assertThat(waiters.maxTicket()).isEqualTo(5);
    waiters.release(5, null);
    assertThat(events).hasSize(3).contains("durable 5");
    assertThat(waiters.isEmpty()).isTrue();
    assertThat(waiters.maxTicket()).isZero();
  }

  @Test
  void anErrorFailsTheWaitersStillUncoveredAndRunsTheCoveredOnes() {
    waitFor(2);
    waitFor(7);
    waiters.release(2, new IOException("disk full"));
    assertThat(events).containsExactlyInAnyOrder("durable 2", "failed 7: disk full");
    assertThat(waiters.isEmpty()).isTrue();
  }

  @Test
  void aThrowingCallbackDoesNotStopTheOthers() {
    waiters.add(1, () -> {
      throw new IllegalStateException("boom");
    }, e -> { });
    waitFor(1);
    waiters.release(1, null);
    assertThat(events).containsExactly("durable 1");
    assertThat(waiters.isEmpty()).isTrue();
  }
}
