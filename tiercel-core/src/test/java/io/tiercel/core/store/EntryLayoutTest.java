package io.tiercel.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.tiercel.core.KeySlot;
import io.tiercel.core.eviction.PolicyNode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * An entry keeps its key length in front of its key in its data array, and its hash beside the
 * policy's queue id.
 */
class EntryLayoutTest {
  private static byte[] bytes(int length, int seed) {
    byte[] b = new byte[length];
    for (int i = 0; i < length; i++) {
      b[i] = (byte) (seed + i * 31);
    }
    return b;
  }

  @Test
  void keysOfEveryLengthRoundTripThroughTheEntryLayout() {
    for (int keyLength : new int[] {0, 1, 7, 8, 9, 10, 31, 32, 33, 127, 128, 129, 70_000}) {
      for (int valueLength : new int[] {0, 1, 100}) {
        byte[] key = bytes(keyLength, keyLength);
        byte[] value = bytes(valueLength, -valueLength);
        Entry e = new Entry(Entry.layout(key, value), KeyHash.hash(key));
        assertThat(e.keyLength()).as("key length %d", keyLength).isEqualTo(keyLength);
        assertThat(e.key()).isEqualTo(key);
        assertThat(e.value()).isEqualTo(value);
        assertThat(e.valueLength()).isEqualTo(valueLength);
        assertThat(e.valueOffset()).isEqualTo(e.keyOffset() + keyLength);
        assertThat(Arrays.copyOfRange(e.data, e.keyOffset(), e.keyOffset() + keyLength))
            .isEqualTo(key);
        assertThat(Arrays.copyOfRange(e.data, e.valueOffset(), e.valueOffset() + e.valueLength()))
            .isEqualTo(value);
        assertThat(e.keyEquals(key.clone())).isTrue();
        assertThat(e.keyEquals(new Entry(Entry.layout(key.clone(), bytes(3, 1)), 0))).isTrue();
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
  void prefixKeysAndExtensionsDoNotMatchAtAnyLength() {
    byte[] ab = "ab".getBytes(StandardCharsets.UTF_8);
    byte[] abc = "abc".getBytes(StandardCharsets.UTF_8);
    Entry entryAb = new Entry(Entry.layout(ab, abc), 0);
    Entry entryAbc = new Entry(Entry.layout(abc, ab), 0);
    assertThat(entryAb.keyEquals(abc)).isFalse();
    assertThat(entryAbc.keyEquals(ab)).isFalse();
    assertThat(entryAb.keyEquals(entryAbc)).isFalse();
    assertThat(entryAbc.keyEquals(entryAb)).isFalse();
    for (int length : new int[] {1, 7, 8, 9, 31, 32, 33, 127, 128, 129, 300}) {
      byte[] key = bytes(length, 4);
      // The value continues the key, so a longer key's bytes are all in the array.
      Entry e = new Entry(Entry.layout(key, bytes(length + 2, 4 + 31 * length)), 0);
      byte[] shorter = Arrays.copyOf(key, length - 1);
      byte[] longer = bytes(length + 1, 4);
      assertThat(e.keyEquals(shorter)).as("prefix of %d", length).isFalse();
      assertThat(e.keyEquals(longer)).as("extension of %d", length).isFalse();
      assertThat(e.keyEquals(new Entry(Entry.layout(shorter, new byte[0]), 0))).isFalse();
      assertThat(e.keyEquals(new Entry(Entry.layout(longer, new byte[0]), 0))).isFalse();
      assertThat(new Entry(Entry.layout(shorter, new byte[0]), 0).keyEquals(key)).isFalse();
      assertThat(new Entry(Entry.layout(longer, new byte[0]), 0).keyEquals(key)).isFalse();
      assertThat(e.keyEquals(key.clone())).isTrue();
    }
  }

  @Test
  void anEmptyKeyMatchesOnlyItself() {
    Entry empty = new Entry(Entry.layout(new byte[0], new byte[0]), 0);
    assertThat(empty.data).hasSize(1);
    assertThat(empty.keyEquals(new byte[0])).isTrue();
    assertThat(empty.keyEquals(new byte[] {0})).isFalse();
    assertThat(empty.keyEquals(bytes(200, 1))).isFalse();
    assertThat(new Entry(Entry.layout(new byte[] {0}, new byte[0]), 0).keyEquals(new byte[0]))
        .isFalse();
  }

  @Test
  void keyEqualsSeesADifferenceInAnyByteOfTheKey() {
    for (int length : new int[] {1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 40, 127, 128, 129}) {
      byte[] key = bytes(length, length);
      Entry e = new Entry(Entry.layout(key, bytes(20, 5)), 0);
      for (int at = 0; at < length; at++) {
        byte[] other = key.clone();
        other[at] ^= 0x10;
        assertThat(e.keyEquals(other)).as("length %d, byte %d", length, at).isFalse();
        assertThat(e.keyEquals(new Entry(Entry.layout(other, bytes(20, 5)), 0))).isFalse();
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
