package io.tiercel.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class KeyBatchTest {

  @Test
  void keysSitSideBySideAndTheArrayGrowsForLongOnes() {
    KeyBatch batch = new KeyBatch();
    byte[] longKey = new byte[5000];
    Arrays.fill(longKey, (byte) 'x');
    byte[][] keys = {"a".getBytes(), longKey, new byte[0], "bc".getBytes()};
    for (byte[] key : keys) {
      batch.add(key);
    }
    assertThat(batch.count()).isEqualTo(4);
    for (int i = 0; i < keys.length; i++) {
      assertThat(Arrays.copyOfRange(batch.bytes(), batch.offset(i), batch.offset(i) + batch.length(i)))
          .isEqualTo(keys[i]);
    }
    assertThat(batch.offset(3)).isEqualTo(1 + 5000);
  }

  @Test
  void roomMadeByAppendIsInTheArrayReturnedAfterIt() {
    KeyBatch batch = new KeyBatch();
    byte[] before = batch.bytes();
    int offset = batch.append(before.length + 10);
    assertThat(batch.bytes()).isNotSameAs(before).hasSizeGreaterThanOrEqualTo(before.length + 10);
    assertThat(offset).isZero();
  }

  @Test
  void appendKeyLeavesOutKeysLongerThanTheLimit() {
    KeyBatch batch = new KeyBatch();
    assertThat(batch.appendKey(KeyBatch.MAX_KEY_LENGTH + 1)).isEqualTo(-1);
    assertThat(batch.count()).isZero();
    assertThat(batch.appendKey(KeyBatch.MAX_KEY_LENGTH)).isZero();
    assertThat(batch.count()).isEqualTo(1);
  }

  @Test
  void aFullBatchRefusesMoreUntilCleared() {
    KeyBatch batch = new KeyBatch();
    for (int i = 0; i < KeyBatch.CAPACITY; i++) {
      batch.append(1);
    }
    assertThat(batch.isFull()).isTrue();
    assertThatThrownBy(() -> batch.append(1)).isInstanceOf(IllegalStateException.class);
    batch.clear();
    assertThat(batch.count()).isZero();
    assertThat(batch.append(3)).isZero();
  }
}
