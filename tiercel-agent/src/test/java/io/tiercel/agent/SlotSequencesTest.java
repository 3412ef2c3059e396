package io.tiercel.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tiercel.agent.sync.SlotSequences;
import io.tiercel.agent.sync.SlotSequences.Gap;
import io.tiercel.core.KeySlot;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** The three ways a missed SYNC message shows up against the last sequence seen per slot. */
class SlotSequencesTest {
  private static long[] table(int slot, long seq) {
    long[] t = new long[KeySlot.SLOTS];
    t[slot] = seq;
    return t;
  }

  @Test
  void sequenceJumpIsAGapAndDuplicatesAreIgnored() {
    SlotSequences s = new SlotSequences();
    s.reset(7, table(5, 2));
    assertThat(s.advance(5, 3)).isNull();
    assertThat(s.advance(5, 3)).as("duplicate").isNull();
    assertThat(s.advance(5, 1)).as("old").isNull();
    Gap gap = s.advance(5, 6);
    assertThat(gap).isEqualTo(new Gap(5, 3, 6));
    assertThat(gap.missed()).isEqualTo(2);
    assertThat(s.last(5)).isEqualTo(6);
  }

  @Test
  void resubscriptionReportsEverySlotThatMovedAndCatchesUp() {
    SlotSequences s = new SlotSequences();
    s.reset(7, table(1, 4));
    long[] now = table(1, 6);
    now[9] = 1;
    assertThat(s.behind(now)).containsExactly(new Gap(1, 4, 7), new Gap(9, 0, 2));
    assertThat(s.last(1)).isEqualTo(6);
    assertThat(s.advance(1, 7)).as("live messages continue from the table").isNull();
  }

  @Test
  void periodicCheckConfirmsAGapOnlyIfTheSlotStaysBehindForAWholeInterval() {
    SlotSequences s = new SlotSequences();
    s.reset(7, new long[KeySlot.SLOTS]);
    assertThat(s.check(table(3, 2))).as("maybe still in flight: a suspect").isEmpty();
    s.advance(3, 1);
    s.advance(3, 2);
    assertThat(s.check(table(3, 2))).as("it arrived").isEmpty();
    assertThat(s.check(table(3, 4))).isEmpty();
    s.advance(3, 3);
    assertThat(s.check(table(3, 4))).containsExactly(new Gap(3, 3, 5));
    assertThat(s.last(3)).isEqualTo(4);
    s.rewind(3, 1);
    assertThat(s.last(3)).isEqualTo(1);
  }

  @Test
  void ownSequencesFillHolesAndAJumpWaitsWhileAnOwnPublishIsUnanswered() {
    SlotSequences s = new SlotSequences();
    s.reset(7, table(5, 2));
    assertThat(s.pushed(5, 4, true)).as("3 may be our own, still unanswered").isEmpty();
    assertThat(s.last(5)).isEqualTo(2);
    assertThat(s.waiting()).isEqualTo(1);
    assertThat(s.published(5, 3, false)).as("it was").isEmpty();
    assertThat(s.last(5)).isEqualTo(4);
    assertThat(s.waiting()).isZero();

    assertThat(s.published(5, 6, false)).as("5 is another agent's push, maybe on the wire")
        .isEmpty();
    assertThat(s.last(5)).isEqualTo(4);
    assertThat(s.pushed(5, 5, false)).isEmpty();
    assertThat(s.last(5)).isEqualTo(6);
    assertThat(s.pushed(5, 7, false)).isEmpty();
    assertThat(s.last(5)).isEqualTo(7);
  }

  @Test
  void aHoleBelowAPushIsAGapOnceNoOwnPublishCanFillIt() {
    SlotSequences s = new SlotSequences();
    s.reset(7, table(5, 2));
    assertThat(s.pushed(5, 5, true)).isEmpty();
    assertThat(s.published(5, 3, false)).as("4 was pushed before 5: lost")
        .containsExactly(new Gap(5, 3, 5));
    assertThat(s.last(5)).isEqualTo(5);

    assertThat(s.pushed(5, 8, true)).isEmpty();
    assertThat(s.settle(5)).as("the own publish failed: 6 and 7 are lost")
        .containsExactly(new Gap(5, 5, 8));
    assertThat(s.settle(5)).isEmpty();

    assertThat(s.published(5, 10, false)).as("9 may still come").isEmpty();
    assertThat(s.pushed(5, 12, false)).as("9 and 11 were pushed before 12")
        .containsExactly(new Gap(5, 8, 10), new Gap(5, 10, 12));
    assertThat(s.last(5)).isEqualTo(12);
    assertThat(s.waiting()).isZero();
  }

  @Test
  void aCheckOrResubscriptionPastWaitingNumbersForgetsThem() {
    SlotSequences s = new SlotSequences();
    s.reset(7, table(1, 1));
    s.published(1, 4, false);
    assertThat(s.behind(table(1, 5))).containsExactly(new Gap(1, 1, 6));
    assertThat(s.waiting()).isZero();
    s.published(1, 8, false);
    s.reset(9, table(1, 0));
    assertThat(s.waiting()).as("a new epoch starts over").isZero();
  }

  @Test
  void tableDecodingRejectsBadBytes() {
    byte[] ok = ByteBuffer.allocate(20).putShort((short) 2).putLong(9).putShort((short) 16383)
        .putLong(1).array();
    long[] t = SlotSequences.decodeTable(ok);
    assertThat(t[2]).isEqualTo(9);
    assertThat(t[16383]).isEqualTo(1);
    assertThatThrownBy(() -> SlotSequences.decodeTable(new byte[7]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SlotSequences.decodeTable(ByteBuffer.allocate(10)
        .putShort((short) 16384).putLong(1).array())).isInstanceOf(IllegalArgumentException.class);
  }
}
