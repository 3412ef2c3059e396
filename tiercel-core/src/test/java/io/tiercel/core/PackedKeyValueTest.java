package io.tiercel.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** A packed array holds its key, its value and the key's length, and bad arrays are refused. */
class PackedKeyValueTest {
  private static byte[] bytes(int length, int seed) {
    byte[] b = new byte[length];
    for (int i = 0; i < length; i++) {
      b[i] = (byte) (seed + i * 31);
    }
    return b;
  }

  @Test
  void keyAndValueComeBackForShortAndLongKeys() {
    for (int keyLength : new int[] {0, 1, 8, 127, 128, 129, 70_000}) {
      for (int valueLength : new int[] {0, 1, 100}) {
        byte[] key = bytes(keyLength, keyLength);
        byte[] value = bytes(valueLength, -valueLength);
        byte[] packed = PackedKeyValue.pack(key, value);
        assertThat(packed).hasSize(keyLength + valueLength + PackedKeyValue.overhead(keyLength));
        assertThat(PackedKeyValue.keyLength(packed)).isEqualTo(keyLength);
        assertThat(PackedKeyValue.valueLength(packed)).isEqualTo(valueLength);
        assertThat(PackedKeyValue.key(packed)).isEqualTo(key);
        assertThat(PackedKeyValue.value(packed)).isEqualTo(value);
        assertThat(Arrays.copyOfRange(packed, keyLength, keyLength + valueLength)).isEqualTo(value);
      }
    }
  }

  @Test
  void anAllocatedArrayFilledByHandEqualsAPackedOne() {
    byte[] key = bytes(200, 7);
    byte[] value = bytes(50, 9);
    byte[] filled = PackedKeyValue.allocate(key.length, value.length);
    System.arraycopy(key, 0, filled, 0, key.length);
    System.arraycopy(value, 0, filled, key.length, value.length);
    assertThat(filled).isEqualTo(PackedKeyValue.pack(key, value));
  }

  @Test
  void arraysThatDoNotEndInAKeyLengthAreRefused() {
    assertThatThrownBy(() -> PackedKeyValue.keyLength(new byte[0]))
        .isInstanceOf(IllegalArgumentException.class);
    // A short key length longer than the array before it.
    assertThatThrownBy(() -> PackedKeyValue.keyLength(new byte[] {1, 2, 5}))
        .isInstanceOf(IllegalArgumentException.class);
    // A last byte that is neither a short length nor the long-key marker.
    assertThatThrownBy(() -> PackedKeyValue.keyLength(new byte[] {1, 2, -2}))
        .isInstanceOf(IllegalArgumentException.class);
    // The long-key marker after a length that a short key would have used.
    assertThatThrownBy(() -> PackedKeyValue.keyLength(new byte[] {0, 0, 0, 3, -1}))
        .isInstanceOf(IllegalArgumentException.class);
    // The long-key marker with no room for its int.
    assertThatThrownBy(() -> PackedKeyValue.keyLength(new byte[] {0, -1}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PackedKeyValue.allocate(-1, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PackedKeyValue.allocate(Integer.MAX_VALUE - 40, 100))
        .isInstanceOf(CacheFullException.class);
  }
}
