package io.tiercel.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.tiercel.core.KeySlot;
import io.tiercel.core.PackedKeyValue;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeyHashTest {
  @Test
  void onePassSlotEqualsRedisSlotForKeysWithAndWithoutHashTags() {
    Random random = new Random(11);
    for (int n = 0; n < 20_000; n++) {
      byte[] key = new byte[random.nextInt(48)];
      random.nextBytes(key);
      // Plant braces at random places in a third of the keys, to cover tag and non-tag cases.
      if (n % 3 == 0 && key.length > 0) {
        key[random.nextInt(key.length)] = '{';
        if (random.nextBoolean()) {
          key[random.nextInt(key.length)] = '}';
        }
      }
      long code = KeyHash.code(key);
      assertThat(KeyHash.slot(code)).as("key %d", n).isEqualTo(KeySlot.of(key));
      assertThat(KeyHash.hash(code)).isEqualTo(KeyHash.hash(key)).isBetween(0, (1 << 30) - 1);
    }
  }

  @Test
  void hashTagRulesHoldThroughTheOnePassPath() {
    long tagged = KeyHash.code("{user1000}.following".getBytes(StandardCharsets.UTF_8));
    long plain = KeyHash.code("user1000".getBytes(StandardCharsets.UTF_8));
    assertThat(KeyHash.slot(tagged)).isEqualTo(KeyHash.slot(plain));
    assertThat(KeyHash.hash(tagged)).isNotEqualTo(KeyHash.hash(plain));
  }

  @Test
  void keysThatDifferInTheirTailBytesOrLengthHashApart() {
    Set<Integer> hashes = new HashSet<>();
    for (int length = 0; length < 24; length++) {
      for (int b = 0; b < 256; b++) {
        byte[] key = new byte[length + 1];
        key[length] = (byte) b;
        hashes.add(KeyHash.hash(key));
      }
    }
    // 6144 distinct keys (trailing zero bytes included) into 2^30 values: collisions are unlikely.
    assertThat(hashes.size()).isGreaterThanOrEqualTo(24 * 256 - 2);
  }

  @Test
  void aKeyInsideAPackedArrayHashesAsTheKeyAlone() {
    Random random = new Random(5);
    for (int length : new int[] {0, 1, 7, 8, 9, 15, 16, 31, 32, 33, 127, 128, 129, 1000}) {
      byte[] key = new byte[length];
      random.nextBytes(key);
      if (length > 3) {
        key[1] = '{';
        key[3] = '}';
      }
      byte[] packed = PackedKeyValue.pack(key, new byte[] {1, 2, 3});
      long inPacked = KeyHash.code(packed, PackedKeyValue.keyOffset(length), length);
      assertThat(inPacked).as("key of %d bytes", length).isEqualTo(KeyHash.code(key));
    }
  }
}
