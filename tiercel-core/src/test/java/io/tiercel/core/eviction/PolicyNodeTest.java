package io.tiercel.core.eviction;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The queue id and the subclass's 30 bits share one int without disturbing each other. */
class PolicyNodeTest {
  private static PolicyNode node(int lowBits) {
    return new PolicyNode(lowBits) {
      @Override
      public int weight() {
        return 1;
      }

      @Override
      public int keyHash() {
        return lowBits();
      }
    };
  }

  @Test
  void everyQueueIdKeepsTheLowBits() {
    for (int low : new int[] {0, 1, 0x2AAA_AAAA, PolicyNode.LOW_BITS}) {
      PolicyNode n = node(low);
      assertThat(n.queue()).isEqualTo(PolicyNode.UNLINKED);
      for (byte q = 0; q <= 3; q++) {
        n.setQueue(q);
        assertThat(n.queue()).isEqualTo(q);
        assertThat(n.keyHash()).isEqualTo(low);
        assertThat(n.isLinked()).isEqualTo(q != PolicyNode.UNLINKED);
      }
    }
  }

  @Test
  void bitsAboveTheLowThirtyAreDroppedAtConstruction() {
    assertThat(node(-1).keyHash()).isEqualTo(PolicyNode.LOW_BITS);
    assertThat(node(-1).queue()).isEqualTo(PolicyNode.UNLINKED);
  }
}
