package io.tiercel.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * A packed array holds its key's length in front, then the key, then the value, and arrays that do
 * not start with a key length that fits them are refused.
 */
class PackedKeyValueTest {
  /** Every length where the layout or the key comparison changes form, and a large one. */
  static final int[] KEY_LENGTHS = {0, 1, 7, 8, 9, 31, 32, 33, 127, 128, 129, 255, 256, 70_000};

  private static byte[] bytes(int length, int seed) {
    byte[] b = new byte[length];
    for (int i = 0; i < length; i++) {
      b[i] = (byte) (seed + i * 31);
    }
    return b;
  }

  @Test
  void keysOfEveryLengthRoundTripThroughThePackedLayout() {
    for (int keyLength : KEY_LENGTHS) {
      for (int valueLength : new int[] {0, 1, 100}) {
        byte[] key = bytes(keyLength, keyLength);
        byte[] value = bytes(valueLength, -valueLength);
        byte[] packed = PackedKeyValue.pack(key, value);
        assertThat(packed).hasSize(keyLength + valueLength + PackedKeyValue.overhead(keyLength));
        assertThat(PackedKeyValue.keyLength(packed)).as("key %d", keyLength).isEqualTo(keyLength);
        assertThat(PackedKeyValue.valueLength(packed)).isEqualTo(valueLength);
        assertThat(PackedKeyValue.key(packed)).isEqualTo(key);
        assertThat(PackedKeyValue.value(packed)).isEqualTo(value);
        int keyOffset = PackedKeyValue.keyOffset(packed);
        assertThat(Arrays.copyOfRange(packed, keyOffset, keyOffset + keyLength)).isEqualTo(key);
        int valueOffset = PackedKeyValue.valueOffset(packed);
        assertThat(valueOffset).isEqualTo(keyOffset + keyLength);
        assertThat(Arrays.copyOfRange(packed, valueOffset, packed.length)).isEqualTo(value);
      }
    }
  }

  @Test
  void theKeyLengthLeadsTheArrayInOneByteForShortKeysAndFourForLongOnes() {
    assertThat(PackedKeyValue.pack(new byte[0], new byte[0])).containsExactly(0);
    assertThat(PackedKeyValue.pack(new byte[] {'a', 'b'}, new byte[] {'v'}))
        .containsExactly(2, 'a', 'b', 'v');
    byte[] key127 = bytes(127, 1);
    assertThat(PackedKeyValue.pack(key127, new byte[0])[0]).isEqualTo((byte) 127);
    assertThat(PackedKeyValue.overhead(127)).isEqualTo(1);
    // 128 = 0x80: big-endian with the top bit set, so the first byte is negative.
    byte[] long128 = PackedKeyValue.pack(bytes(128, 2), new byte[] {9});
    assertThat(Arrays.copyOf(long128, 4)).containsExactly(0x80, 0, 0, 0x80);
    assertThat(long128).hasSize(4 + 128 + 1);
    assertThat(PackedKeyValue.overhead(128)).isEqualTo(4);
    byte[] large = PackedKeyValue.pack(new byte[70_000], new byte[0]);
    assertThat(Arrays.copyOf(large, 4)).containsExactly(0x80, 0x01, 0x11, 0x70);
  }

  @Test
  void anAllocatedArrayFilledByHandAtItsOffsetsEqualsAPackedOne() {
    for (int keyLength : KEY_LENGTHS) {
      byte[] key = bytes(keyLength, 7);
      byte[] value = bytes(50, 9);
      byte[] filled = PackedKeyValue.allocate(key.length, value.length);
      System.arraycopy(key, 0, filled, PackedKeyValue.keyOffset(key.length), key.length);
      System.arraycopy(value, 0, filled, PackedKeyValue.valueOffset(key.length), value.length);
      assertThat(filled).as("key %d", keyLength).isEqualTo(PackedKeyValue.pack(key, value));
    }
  }

  @Test
  void arraysThatDoNotStartWithAKeyLengthThatFitsAreRefused() {
    assertThatThrownBy(() -> PackedKeyValue.keyLength(new byte[0]))
        .isInstanceOf(IllegalArgumentException.class);
    // A short key length longer than the array after it.
    assertThatThrownBy(() -> PackedKeyValue.keyLength(new byte[] {3, 'a', 'b'}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PackedKeyValue.keyLength(new byte[] {'k', 'v', 9}))
        .isInstanceOf(IllegalArgumentException.class);
    // The long form holding a length that a short key would have used.
    assertThatThrownBy(() -> PackedKeyValue.keyLength(new byte[] {(byte) 0x80, 0, 0, 3, 1, 2, 3}))
        .isInstanceOf(IllegalArgumentException.class);
    // The long form with no room for its int.
    assertThatThrownBy(() -> PackedKeyValue.keyLength(new byte[] {-1, 0}))
        .isInstanceOf(IllegalArgumentException.class);
    // The long form holding more key bytes than the array has.
    byte[] cut = Arrays.copyOf(PackedKeyValue.pack(bytes(200, 1), new byte[0]), 150);
    assertThatThrownBy(() -> PackedKeyValue.keyLength(cut))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PackedKeyValue.allocate(-1, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PackedKeyValue.allocate(Integer.MAX_VALUE - 40, 100))
        .isInstanceOf(CacheFullException.class);
  }
}
