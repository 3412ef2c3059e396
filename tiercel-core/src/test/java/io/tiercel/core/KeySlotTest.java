package io.tiercel.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class KeySlotTest {
  private static int slot(String key) {
    return KeySlot.of(key.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void crc16MatchesTheXmodemCheckValue() {
    byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
    assertThat(KeySlot.crc16(check, 0, check.length)).isEqualTo(0x31C3);
  }

  @Test
  void eightBytesAtATimeMatchesTheBitwiseDefinition() {
    java.util.Random random = new java.util.Random(5);
    for (int n = 0; n < 2000; n++) {
      byte[] key = new byte[random.nextInt(40)];
      random.nextBytes(key);
      int expected = 0;
      for (byte b : key) {
        expected ^= (b & 0xFF) << 8;
        for (int bit = 0; bit < 8; bit++) {
          expected = ((expected & 0x8000) != 0) ? ((expected << 1) ^ 0x1021) : (expected << 1);
        }
        expected &= 0xFFFF;
      }
      assertThat(KeySlot.crc16(key, 0, key.length)).as("length %d", key.length).isEqualTo(expected);
    }
  }

  @Test
  void tailOfOneToSevenBytesMatchesByteAtATimeFromAnyRegister() {
    java.util.Random random = new java.util.Random(9);
    for (int n = 0; n < 5000; n++) {
      int crc = random.nextInt(1 << 16);
      int count = 1 + random.nextInt(7);
      long tail = 0;
      int expected = crc;
      for (int i = 0; i < count; i++) {
        byte b = (byte) random.nextInt();
        tail = (tail << 8) | (b & 0xFF);
        expected = KeySlot.crc16Byte(expected, b);
      }
      assertThat(KeySlot.crc16Tail(crc, tail, count)).as("count %d", count).isEqualTo(expected);
    }
  }

  @Test
  void tagIsFoundAtEveryPositionAndOnlyItsContentIsHashed() {
    java.util.Random random = new java.util.Random(7);
    for (int length = 3; length < 40; length++) {
      for (int open = 0; open + 2 < length; open++) {
        byte[] key = new byte[length];
        for (int i = 0; i < length; i++) {
          key[i] = (byte) ('a' + random.nextInt(26));
        }
        key[open] = '{';
        key[open + 2] = '}';
        assertThat(KeySlot.of(key))
            .as("length %d, tag at %d", length, open)
            .isEqualTo(KeySlot.crc16(key, open + 1, open + 2) & (KeySlot.SLOTS - 1));
      }
    }
  }

  @Test
  void crcOfARangeIgnoresTheBytesAroundIt() {
    byte[] check = "xx123456789yy".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    assertThat(KeySlot.crc16(check, 2, 11)).isEqualTo(0x31C3);
  }

  @Test
  void slotsMatchRedisClusterKeyslot() {
    // Values printed by redis-server 7 for CLUSTER KEYSLOT.
    assertThat(slot("foo")).isEqualTo(12182);
    assertThat(slot("bar")).isEqualTo(5061);
    assertThat(slot("somekey")).isEqualTo(11058);
    assertThat(slot("")).isEqualTo(0);
  }

  @Test
  void hashTagPutsRelatedKeysInOneSlot() {
    assertThat(slot("{user1000}.following")).isEqualTo(slot("{user1000}.followers"));
    assertThat(slot("{user1000}.following")).isEqualTo(slot("user1000"));
  }

  @Test
  void emptyOrUnclosedTagHashesTheWholeKey() {
    assertThat(slot("foo{}{bar}")).isEqualTo(crc("foo{}{bar}"));
    assertThat(slot("foo{bar")).isEqualTo(crc("foo{bar"));
  }

  @Test
  void onlyTheFirstTagCounts() {
    assertThat(slot("foo{{bar}}zap")).isEqualTo(slot("{bar"));
    assertThat(slot("foo{bar}{zap}")).isEqualTo(slot("bar"));
  }

  @Test
  void offsetAndLengthSelectTheKey() {
    byte[] buffer = "xx{user1}.ayy".getBytes(StandardCharsets.US_ASCII);
    assertThat(KeySlot.of(buffer, 2, 9)).isEqualTo(slot("user1"));
  }

  private static int crc(String key) {
    byte[] b = key.getBytes(StandardCharsets.UTF_8);
    return KeySlot.crc16(b, 0, b.length) & (KeySlot.SLOTS - 1);
  }
}
