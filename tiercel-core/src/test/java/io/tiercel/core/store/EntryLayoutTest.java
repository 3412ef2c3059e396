package io.tiercel.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.tiercel.core.KeySlot;
import io.tiercel.core.eviction.PolicyNode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** An entry keeps its key length in its data array and its hash beside the policy's queue id. */
class EntryLayoutTest {
  private static byte[] bytes(int length, int seed) {
    byte[] b = new byte[length];
    for (int i = 0; i < length; i++) {
      b[i] = (byte) (seed + i * 31);
    }
    return b;
  }

  @Test
  void keyAndValueComeBackForShortAndLongKeys() {
    for (int keyLength : new int[] {0, 1, 7, 8, 10, 31, 32, 33, 127, 128, 129, 70_000}) {
      for (int valueLength : new int[] {0, 1, 100}) {
        byte[] key = bytes(keyLength, keyLength);
        byte[] value = bytes(valueLength, -valueLength);
        Entry e = new Entry(Entry.layout(key, value), KeyHash.hash(key));
        assertThat(e.keyLength()).as("key length %d", keyLength).isEqualTo(keyLength);
        assertThat(e.key()).isEqualTo(key);
        assertThat(e.value()).isEqualTo(value);
        assertThat(e.valueLength()).isEqualTo(valueLength);
        assertThat(Arrays.copyOfRange(e.data, e.keyLength(), e.keyLength() + e.valueLength()))
            .isEqualTo(value);
        assertThat(e.keyEquals(key.clone())).isTrue();
        assertThat(e.slot()).isEqualTo(KeySlot.of(key));
      }
    }
  }

  @Test
  void keyEqualsRejectsPrefixesExtensionsAndValueBytesThatLookLikeTheKey() {
    byte[] key = "user:42".getBytes(StandardCharsets.UTF_8);
    // The value starts with what a longer key would continue with.
    Entry e = new Entry(Entry.layout(key, "9:x".getBytes(StandardCharsets.UTF_8)), 0);
    assertThat(e.keyEquals("user:429".getBytes(StandardCharsets.UTF_8))).isFalse();
    assertThat(e.keyEquals("user:42".getBytes(StandardCharsets.UTF_8))).isTrue();
    assertThat(e.keyEquals("user:4".getBytes(StandardCharsets.UTF_8))).isFalse();
    assertThat(e.keyEquals("user:43".getBytes(StandardCharsets.UTF_8))).isFalse();
    byte[] longKey = bytes(200, 3);
    Entry long1 = new Entry(Entry.layout(longKey, bytes(50, 1)), 0);
    assertThat(long1.keyEquals(Arrays.copyOf(longKey, 199))).isFalse();
    assertThat(long1.keyEquals(Arrays.copyOf(longKey, 201))).isFalse();
    assertThat(long1.keyEquals(longKey.clone())).isTrue();
  }

  @Test
  void keyEqualsSeesADifferenceInAnyByteOfTheKey() {
    for (int length = 1; length <= 40; length++) {
      byte[] key = bytes(length, length);
      Entry e = new Entry(Entry.layout(key, bytes(20, 5)), 0);
      for (int at = 0; at < length; at++) {
        byte[] other = key.clone();
        other[at] ^= 0x10;
        assertThat(e.keyEquals(other)).as("length %d, byte %d", length, at).isFalse();
      }
      assertThat(e.keyEquals(key.clone())).isTrue();
    }
  }

  @Test
  void hashesHaveThirtyBitsSoTheQueueIdFitsBesideThem() {
    for (int i = 0; i < 1000; i++) {
      byte[] key = bytes(i % 40, i);
      int hash = KeyHash.hash(key);
      assertThat(hash & ~PolicyNode.LOW_BITS).isZero();
      assertThat(new Entry(Entry.layout(key, new byte[0]), hash).hash()).isEqualTo(hash);
    }
  }
}
