package io.tiercel.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A ring holds its length in reads, then reports FULL until drained, in order. */
class ReadBufferTest {
  private static Entry entry(int i) {
    return new Entry(Entry.layout(new byte[] {(byte) i}, new byte[0]), i);
  }

  private static void fillsThenDrainsInOrder(int ringSize) {
    ReadBuffer buffer = new ReadBuffer(ringSize);
    List<Entry> offered = new ArrayList<>();
    for (int i = 0; i < ringSize; i++) {
      Entry e = entry(i);
      assertThat(buffer.offer(e)).isEqualTo(ReadBuffer.RECORDED);
      offered.add(e);
    }
    assertThat(buffer.offer(entry(-1))).isEqualTo(ReadBuffer.FULL);
    assertThat(buffer.recorded()).isEqualTo(ringSize);
    List<Entry> drained = new ArrayList<>();
    buffer.drainTo(drained::add);
    assertThat(drained).containsExactlyElementsOf(offered);
    assertThat(buffer.offer(entry(0))).isEqualTo(ReadBuffer.RECORDED);
  }

  @Test
  void inlineRingHoldsCaffeinesSixteenReads() {
    fillsThenDrainsInOrder(ReadBuffer.INLINE_RING_SIZE);
    assertThat(ReadBuffer.INLINE_RING_SIZE).isEqualTo(16);
  }

  @Test
  void asyncRingHoldsEightTimesAsMany() {
    fillsThenDrainsInOrder(ReadBuffer.ASYNC_RING_SIZE);
  }

  @Test
  void ringLengthMustBeAPowerOfTwo() {
    assertThatThrownBy(() -> new ReadBuffer(24)).isInstanceOf(IllegalArgumentException.class);
  }
}
